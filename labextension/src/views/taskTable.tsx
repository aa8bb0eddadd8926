import * as React from 'react';

import type { ITaskSummary } from '../api/shapes';
import { ExperimentsModel } from '../model/experiments';
import { formatDuration, formatNumber, formatTime, taskDuration } from '../model/format';
import { StatusBadge, Tags, useSignal } from './common';
import { VirtualList } from './virtual';

export const ROW_HEIGHT = 26;

interface IColumn {
  key: string;
  label: string;
  width: number;
  sortable: boolean;
  render: (t: ITaskSummary) => React.ReactNode;
}

const BASE_COLUMNS: IColumn[] = [
  { key: 'status', label: 'Status', width: 84, sortable: true, render: t => <StatusBadge status={t.status} /> },
  { key: 'name', label: 'Name', width: 200, sortable: true, render: t => <span title={t.id}>{t.name}</span> },
  { key: 'type', label: 'Type', width: 90, sortable: true, render: t => t.type },
  { key: 'tags', label: 'Tags', width: 120, sortable: false, render: t => <Tags tags={t.tags} /> },
  { key: 'user', label: 'User', width: 80, sortable: true, render: t => t.user },
  { key: 'started', label: 'Started', width: 120, sortable: true, render: t => formatTime(t.started) },
  {
    key: 'duration',
    label: 'Duration',
    width: 76,
    sortable: false,
    render: t => formatDuration(taskDuration(t))
  }
];

function extraColumn(key: string): IColumn {
  const label = key.replace(/^(metric|param):/, '');
  return {
    key,
    label,
    width: 100,
    // The server sorts by task fields only; a page of a sparse table cannot be sorted locally.
    sortable: false,
    render: t => formatNumber(t.columns?.[key])
  };
}

export interface ITaskTableProps {
  model: ExperimentsModel;
  onOpen: (id: string) => void;
}

/** The virtualised task table: sort by header, Ctrl/Shift-click to select, double-click to open. */
export function TaskTable(props: ITaskTableProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const columns = [...BASE_COLUMNS, ...model.columns.map(extraColumn)];
  const width = columns.reduce((s, c) => s + c.width, 0);
  const focusIndex = model.focusTaskId ? model.indexOf(model.focusTaskId) : -1;

  const header = (
    <div className="je-row je-header" style={{ width }}>
      {columns.map(c => (
        <div
          key={c.key}
          className={`je-cell ${c.sortable ? 'je-sortable' : ''}`}
          style={{ width: c.width }}
          data-column={c.key}
          onClick={() => c.sortable && void model.toggleSort(c.key)}
        >
          {c.label}
          {model.sort.field === c.key ? (model.sort.desc ? ' ▼' : ' ▲') : ''}
        </div>
      ))}
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
    const classes = ['je-row', 'je-task-row'];
    if (model.selection.has(task.id)) {
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
        // No focus on click: focusing would scroll a narrow panel sideways to the row's start.
        onMouseDown={e => e.preventDefault()}
        onClick={e => model.select(task.id, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'single')}
        onDoubleClick={() => props.onOpen(task.id)}
        onKeyDown={e => e.key === 'Enter' && props.onOpen(task.id)}
        tabIndex={0}
      >
        {columns.map(c => (
          <div key={c.key} className="je-cell" style={{ width: c.width }}>
            {c.render(task)}
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
