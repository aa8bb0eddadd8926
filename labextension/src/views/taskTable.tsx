import * as React from 'react';

import type { ITaskSummary } from '../api/shapes';
import { ExperimentsModel } from '../model/experiments';
import { formatDuration, formatNumber, formatTime, taskDuration } from '../model/format';
import { columnLabel, isExtraColumn, UNSORTABLE } from '../model/tableState';
import { StatusBadge, Tags, useSignal } from './common';
import { VirtualList } from './virtual';

export const ROW_HEIGHT = 26;

const WIDTHS: Record<string, number> = {
  status: 84,
  name: 200,
  type: 90,
  project_name: 140,
  tags: 120,
  user: 80,
  created: 120,
  started: 120,
  last_update: 120,
  duration: 76,
  last_iteration: 80,
  id: 90
};

function render(key: string, t: ITaskSummary): React.ReactNode {
  switch (key) {
    case 'status':
      return <StatusBadge status={t.status} />;
    case 'name':
      return <span title={t.id}>{t.name}</span>;
    case 'tags':
      return <Tags tags={t.tags} />;
    case 'created':
    case 'started':
    case 'last_update':
      return formatTime(t[key] as string | null | undefined);
    case 'duration':
      return formatDuration(taskDuration(t));
    case 'id':
      return <code>{t.id.slice(0, 8)}</code>;
    default: {
      if (isExtraColumn(key)) {
        const v = t.columns?.[key];
        return typeof v === 'number' || v === null || v === undefined ? formatNumber(v as number) : String(v);
      }
      const v = t[key];
      return v === null || v === undefined ? '' : String(v);
    }
  }
}

export interface ITaskTableProps {
  model: ExperimentsModel;
  onOpen: (id: string) => void;
  /** The sidebar's compact list: status, name and start only, no checkboxes. */
  compact?: boolean;
  /** Right-click on a row (the row is selected first unless it already is). */
  onContextMenu?: (id: string, x: number, y: number) => void;
}

const COMPACT = ['status', 'name', 'started'];
const CHECK_WIDTH = 28;

/**
 * The virtualised task table: sort by header, resize and reorder columns (main area),
 * checkboxes, Ctrl/Shift-click to select, double-click to open, right-click for actions.
 */
export function TaskTable(props: ITaskTableProps): JSX.Element {
  const { model, compact } = props;
  useSignal(model.changed);
  const keys = compact ? [...COMPACT, ...model.columns] : model.layout;
  const widthOf = (k: string) => model.widths[k] ?? WIDTHS[k] ?? 110;
  const width = keys.reduce((s, k) => s + widthOf(k), compact ? 0 : CHECK_WIDTH);
  const focusIndex = model.focusTaskId ? model.indexOf(model.focusTaskId) : -1;
  const [dragging, setDragging] = React.useState<string | null>(null);
  const allSelected = model.total > 0 && model.selection.size >= model.total;

  const startResize = (key: string, e: React.MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const x0 = e.clientX;
    const w0 = widthOf(key);
    const move = (ev: MouseEvent) => model.setWidth(key, w0 + ev.clientX - x0);
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const header = (
    <div className="je-row je-header" style={{ width }}>
      {compact ? null : (
        <div className="je-cell je-check-cell" style={{ width: CHECK_WIDTH }}>
          <input
            type="checkbox"
            aria-label="Select all matching tasks"
            title="Select every task matching the filters"
            checked={allSelected}
            onChange={() => (allSelected ? model.clearSelection() : void model.selectAllMatching())}
          />
        </div>
      )}
      {keys.map(k => {
        const sortable = !UNSORTABLE.has(k);
        return (
          <div
            key={k}
            className={`je-cell ${sortable ? 'je-sortable' : ''} ${dragging === k ? 'je-dragging' : ''}`}
            style={{ width: widthOf(k) }}
            data-column={k}
            title={sortable ? `Sort by ${columnLabel(k)}` : columnLabel(k)}
            onDragOver={e => e.preventDefault()}
            onDrop={e => {
              const moved = e.dataTransfer.getData('text/x-je-column');
              if (moved && moved !== k) {
                model.moveColumn(moved, k);
              }
              setDragging(null);
            }}
            onClick={() => sortable && void model.toggleSort(k)}
          >
            <span
              className="je-column-label"
              draggable={!compact}
              onDragStart={e => {
                setDragging(k);
                e.dataTransfer.setData('text/x-je-column', k);
              }}
              onDragEnd={() => setDragging(null)}
            >
              {columnLabel(k)}
              {model.sort.field === k ? (model.sort.desc ? ' ▼' : ' ▲') : ''}
            </span>
            {compact ? null : (
              <span
                className="je-resize"
                data-resize={k}
                onMouseDown={e => startResize(k, e)}
                onClick={e => e.stopPropagation()}
              />
            )}
          </div>
        );
      })}
    </div>
  );

  const renderRow = (index: number, style: React.CSSProperties) => {
    const task = model.row(index);
    if (!task) {
      return (
        <div key={index} className="je-row je-loading" style={{ ...style, width }}>
          …
        </div>
      );
    }
    const selected = model.selection.has(task.id);
    const classes = ['je-row', 'je-task-row'];
    if (selected) {
      classes.push('je-selected');
    }
    if (task.id === model.focusTaskId) {
      classes.push('je-focus');
    }
    return (
      <div
        key={task.id}
        className={classes.join(' ')}
        style={{ ...style, width }}
        data-task-id={task.id}
        data-task-name={task.name}
        data-status={task.status}
        // No focus on click: focusing would scroll a narrow panel sideways to the row's start.
        onMouseDown={e => e.preventDefault()}
        onClick={e => model.select(task.id, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'single')}
        onDoubleClick={() => props.onOpen(task.id)}
        onContextMenu={
          props.onContextMenu
            ? e => {
                e.preventDefault();
                if (!selected) {
                  model.select(task.id, 'single');
                }
                props.onContextMenu?.(task.id, e.clientX, e.clientY);
              }
            : undefined
        }
        onKeyDown={e => e.key === 'Enter' && props.onOpen(task.id)}
        tabIndex={0}
      >
        {compact ? null : (
          <div className="je-cell je-check-cell" style={{ width: CHECK_WIDTH }}>
            <input
              type="checkbox"
              aria-label={`Select ${task.name}`}
              checked={selected}
              onClick={e => e.stopPropagation()}
              onChange={() => model.select(task.id, 'toggle')}
            />
          </div>
        )}
        {keys.map(k => (
          <div key={k} className="je-cell" style={{ width: widthOf(k) }} data-cell={k}>
            {render(k, task)}
          </div>
        ))}
      </div>
    );
  };

  return (
    <div className="je-table">
      <VirtualList
        className="je-table-body"
        count={model.total}
        rowHeight={ROW_HEIGHT}
        renderRow={renderRow}
        onRange={(s, e) => void model.ensureRange(s, e)}
        scrollToIndex={focusIndex}
        header={header}
      />
      <div className="je-table-footer">
        {model.loaded ? `${model.total.toLocaleString()} tasks` : 'loading…'}
        {model.selection.size ? ` · ${model.selection.size} selected` : ''}
        {model.error ? <span className="je-error"> {model.error}</span> : null}
      </div>
    </div>
  );
}
