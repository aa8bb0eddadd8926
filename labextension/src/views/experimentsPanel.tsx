import * as React from 'react';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';

import { STATUS_LABELS, STATUSES, TASK_TYPES } from '../api/shapes';
import { ExperimentsModel } from '../model/experiments';
import { ErrorLine, useAction, useSignal } from './common';
import { ProjectTree } from './projectTree';
import { TaskTable } from './taskTable';

export interface IExperimentsPanelProps {
  model: ExperimentsModel;
  onOpen: (id: string) => void;
  onCompare: (ids: string[]) => void;
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
  const selected = [...model.selection];
  const f = model.filters;

  React.useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== model.filters.search) {
        void model.setFilters({ search });
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const confirm = async (title: string, body: string, label: string) =>
    (await showDialog({ title, body, buttons: [Dialog.cancelButton(), Dialog.warnButton({ label })] })).button.accept;

  const bulk = {
    archive: () => run(() => model.archiveSelected(!f.archived)),
    remove: () =>
      run(async () => {
        if (
          await confirm('Delete tasks', `Delete ${selected.length} task(s) and everything they reported?`, 'Delete')
        ) {
          await model.deleteSelected();
        }
      }),
    move: () =>
      run(async () => {
        const answer = await InputDialog.getItem({
          title: `Move ${selected.length} task(s) to project`,
          items: model.projects.filter(p => !p.hidden).map(p => p.path || p.name),
          editable: true
        });
        if (answer.button.accept && answer.value) {
          await model.moveSelected(answer.value);
        }
      }),
    tag: () =>
      run(async () => {
        const answer = await InputDialog.getText({
          title: `Tag ${selected.length} task(s)`,
          label: 'Tag (prefix - to remove)'
        });
        if (answer.button.accept && answer.value) {
          const remove = answer.value.startsWith('-');
          await model.tagSelected(remove ? answer.value.slice(1) : answer.value, remove);
        }
      }),
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
      <div className="je-toolbar je-bulk">
        <button
          className="je-btn"
          data-action="compare"
          disabled={selected.length < 2}
          onClick={() => props.onCompare(selected)}
        >
          Compare
        </button>
        <button
          className="je-btn"
          data-action="archive"
          disabled={!selected.length || busy}
          onClick={() => void bulk.archive()}
        >
          {f.archived ? 'Restore' : 'Archive'}
        </button>
        <button
          className="je-btn"
          data-action="move"
          disabled={!selected.length || busy}
          onClick={() => void bulk.move()}
        >
          Move
        </button>
        <button
          className="je-btn"
          data-action="tag"
          disabled={!selected.length || busy}
          onClick={() => void bulk.tag()}
        >
          Tag
        </button>
        <button
          className="je-btn"
          data-action="delete"
          disabled={!selected.length || busy}
          onClick={() => void bulk.remove()}
        >
          Delete
        </button>
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
      <TaskTable model={model} onOpen={props.onOpen} />
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
