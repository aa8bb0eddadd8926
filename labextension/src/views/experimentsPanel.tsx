import * as React from 'react';
import { InputDialog } from '@jupyterlab/apputils';

import { STATUS_LABELS, STATUSES, TASK_TYPES } from '../api/shapes';
import { ACTION_LABELS, BulkAction, canRun, whyNot } from '../model/actions';
import { ExperimentsModel } from '../model/experiments';
import { runBulk } from './workbench/bulkActions';

const SIDEBAR_ACTIONS: BulkAction[] = ['compare', 'archive', 'restore', 'move', 'tag', 'delete'];
import { ErrorLine, useAction, useSignal } from './common';
import { ProjectTree } from './projectTree';
import { TaskTable } from './taskTable';

export interface IExperimentsPanelProps {
  model: ExperimentsModel;
  onOpen: (id: string) => void;
  onCompare: (ids: string[]) => void;
  /** Open the full experiments table in the main area. */
  onTable?: () => void;
  onDashboard?: (path: string) => void;
}

function MultiPick(props: {
  label: string;
  options: string[];
  labels?: Record<string, string>;
  value: string[];
  onChange: (value: string[]) => void;
}): JSX.Element {
  return (
    <select
      className="je-select"
      title={props.label}
      aria-label={props.label}
      value={props.value[0] ?? ''}
      onChange={e => props.onChange(e.target.value ? [e.target.value] : [])}
    >
      <option value="">{props.label}: any</option>
      {props.options.map(o => (
        <option key={o} value={o}>
          {props.labels?.[o] ?? o}
        </option>
      ))}
    </select>
  );
}

/** The Experiments sidebar: project tree above, filters and bulk actions, the task table. */
export function ExperimentsPanel(props: IExperimentsPanelProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed, r => r !== 'rows');
  const [search, setSearch] = React.useState(model.filters.search);
  const [error, run, busy] = useAction();
  const tasks = model.selectedTasks();
  const f = model.filters;

  React.useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== model.filters.search) {
        void model.setFilters({ search });
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const bulk = {
    run: (action: BulkAction) => void run(() => runBulk(model, action, props.onCompare)),
    columns: () =>
      run(async () => {
        const answer = await InputDialog.getText({
          title: 'Columns',
          label: 'Comma-separated: metric:Title/Series, param:Section/name',
          text: model.columns.join(', ')
        });
        if (answer.button.accept && answer.value !== null) {
          await model.setColumns(
            answer.value
              .split(',')
              .map(s => s.trim())
              .filter(Boolean)
          );
        }
      })
  };

  return (
    <div className="je-experiments">
      <ProjectTree model={model} />
      <div className="je-filters">
        <input
          className="je-search"
          placeholder="Search name or id"
          aria-label="Search tasks"
          value={search}
          onChange={e => setSearch(e.target.value)}
        />
        <MultiPick
          label="Status"
          options={STATUSES}
          labels={STATUS_LABELS}
          value={f.status}
          onChange={status => void model.setFilters({ status })}
        />
        <MultiPick
          label="Type"
          options={TASK_TYPES}
          value={f.type}
          onChange={type => void model.setFilters({ type })}
        />
        <input
          className="je-tag-filter"
          placeholder="Tag"
          aria-label="Filter by tag"
          defaultValue={f.tag.join(',')}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              const v = (e.target as HTMLInputElement).value;
              void model.setFilters({
                tag: v
                  .split(',')
                  .map(s => s.trim())
                  .filter(Boolean)
              });
            }
          }}
        />
        <label className="je-check">
          <input
            type="checkbox"
            checked={f.archived}
            onChange={e => void model.setFilters({ archived: e.target.checked })}
          />
          Archived
        </label>
        <label className="je-check" title="Only the tasks you own (as the server knows you)">
          <input
            type="checkbox"
            data-filter="mine"
            checked={!!f.mine}
            onChange={e => void model.setFilters({ mine: e.target.checked })}
          />
          Mine
        </label>
      </div>
      <div className="je-toolbar je-open-views">
        {props.onTable ? (
          <button
            className="je-btn je-primary"
            data-action="open-table"
            title="The full experiments table in the main area"
            onClick={props.onTable}
          >
            Open table
          </button>
        ) : null}
        {props.onDashboard ? (
          <button
            className="je-btn"
            data-action="open-dashboard"
            onClick={() => props.onDashboard?.(model.projectPath)}
          >
            Dashboard
          </button>
        ) : null}
      </div>
      <div className="je-toolbar je-bulk">
        {SIDEBAR_ACTIONS.filter(a => (a === 'restore') === f.archived || (a !== 'archive' && a !== 'restore')).map(
          a => (
            <button
              key={a}
              className="je-btn"
              data-action={a}
              disabled={busy || !canRun(a, tasks)}
              title={canRun(a, tasks) ? ACTION_LABELS[a] : whyNot(a, tasks)}
              onClick={() => bulk.run(a)}
            >
              {a === 'tag' ? 'Tag' : a === 'move' ? 'Move' : ACTION_LABELS[a]}
            </button>
          )
        )}
        <button className="je-btn" data-action="columns" onClick={() => void bulk.columns()}>
          Columns
        </button>
        <button
          className="je-btn"
          data-action="refresh"
          onClick={() => void run(() => Promise.all([model.loadProjects(), model.refresh()]))}
        >
          ⟳
        </button>
      </div>
      <ErrorLine error={error} />
      <FocusBanner model={model} onOpen={props.onOpen} />
      <TaskTable model={model} onOpen={props.onOpen} compact />
    </div>
  );
}

/** "This notebook's task": one click away from the notebook in focus. */
function FocusBanner(props: { model: ExperimentsModel; onOpen: (id: string) => void }): JSX.Element | null {
  const id = props.model.focusTaskId;
  if (!id) {
    return null;
  }
  return (
    <div className="je-focus-banner">
      This notebook's task:{' '}
      <a href="#" data-focus-task={id} onClick={e => (e.preventDefault(), props.onOpen(id))}>
        {id.slice(0, 8)}
      </a>
    </div>
  );
}
