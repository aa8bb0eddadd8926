import * as React from 'react';
import { InputDialog } from '@jupyterlab/apputils';

import { STATUS_LABELS, STATUSES, TASK_TYPES } from '../../api/shapes';
import { BulkAction } from '../../model/actions';
import { ExperimentsModel } from '../../model/experiments';
import { deleteView, ITableState, saveView, SavedViews } from '../../model/tableState';
import { ErrorLine, useAction, useSignal } from '../common';
import { TaskTable } from '../taskTable';
import { BulkBar, RowMenu, runBulk } from './bulkActions';
import { ColumnPicker, MultiCheck, RangeFilter } from './pickers';

const VIEWS_KEY = 'jupyter-ext:saved-views';

function readViews(): SavedViews {
  try {
    return JSON.parse(localStorage.getItem(VIEWS_KEY) ?? '{}') as SavedViews;
  } catch {
    return {};
  }
}

export interface ITableViewProps {
  model: ExperimentsModel;
  onOpen: (id: string) => void;
  onCompare: (ids: string[]) => void;
  onDashboard: (path: string) => void;
  copyLink: () => Promise<void>;
}

/** Saved views of the selected project: apply one, save the current state under a name, delete. */
function SavedViewsPicker(props: { model: ExperimentsModel }): JSX.Element {
  const { model } = props;
  const [views, setViews] = React.useState<SavedViews>(readViews);
  const project = model.projectPath;
  const mine = views[project] ?? {};
  const store = (next: SavedViews) => {
    localStorage.setItem(VIEWS_KEY, JSON.stringify(next));
    setViews(next);
  };
  return (
    <select
      className="je-select"
      aria-label="Saved views"
      data-saved-views=""
      value=""
      onChange={async e => {
        const value = e.target.value;
        if (value === '__save') {
          const answer = await InputDialog.getText({
            title: `Save this view of "${project || 'All projects'}"`,
            label: 'Name'
          });
          if (answer.button.accept && answer.value) {
            store(saveView(views, project, answer.value, model.state));
          }
        } else if (value.startsWith('__del:')) {
          store(deleteView(views, project, value.slice(6)));
        } else if (mine[value]) {
          const state: ITableState = mine[value];
          await model.applyState(state, false);
        }
      }}
    >
      <option value="">Views{Object.keys(mine).length ? ` (${Object.keys(mine).length})` : ''}</option>
      {Object.keys(mine).map(name => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
      <option value="__save">Save current view…</option>
      {Object.keys(mine).map(name => (
        <option key={`d-${name}`} value={`__del:${name}`}>
          Delete "{name}"
        </option>
      ))}
    </select>
  );
}

/** The experiments table in the main area: filters, columns, saved views, bulk actions, the table. */
export function TableView(props: ITableViewProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed, r => r !== 'rows');
  const [search, setSearch] = React.useState(model.filters.search);
  const [menu, setMenu] = React.useState<{ id: string; x: number; y: number } | null>(null);
  const [error, act, busy] = useAction();
  const [note, setNote] = React.useState('');
  const root = React.useRef<HTMLDivElement>(null);
  const f = model.filters;

  React.useEffect(() => setSearch(model.filters.search), [model.filters.search]);
  React.useEffect(() => {
    const timer = setTimeout(() => search !== model.filters.search && void model.setFilters({ search }), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const run = (action: BulkAction) => void act(() => runBulk(model, action, props.onCompare));
  const users = [
    ...new Set(
      model
        .loadedRows()
        .map(r => r.user)
        .filter(Boolean)
    )
  ].sort();

  return (
    <div className="je-workbench" data-project-path={model.projectPath} ref={root}>
      <div className="je-toolbar je-workbench-head">
        <span className="je-title" title={model.projectPath || 'All projects'}>
          {model.projectPath || 'All projects'}
        </span>
        <button className="je-btn" data-action="dashboard" onClick={() => props.onDashboard(model.projectPath)}>
          Dashboard
        </button>
        <button
          className="je-btn"
          data-action="copy-link"
          title="Copy a link to this view"
          onClick={() =>
            void act(async () => {
              await props.copyLink();
              setNote('Link copied');
              setTimeout(() => setNote(''), 2000);
            })
          }
        >
          Copy link
        </button>
        <SavedViewsPicker model={model} />
        {note ? <span className="je-note">{note}</span> : null}
      </div>
      <div className="je-filters">
        <input
          className="je-search"
          placeholder="Search name"
          aria-label="Search tasks"
          value={search}
          onChange={e => setSearch(e.target.value)}
        />
        <MultiCheck
          name="status"
          label="Status"
          options={STATUSES}
          labels={STATUS_LABELS}
          value={f.status}
          onChange={status => void model.setFilters({ status })}
        />
        <MultiCheck
          name="type"
          label="Type"
          options={TASK_TYPES}
          value={f.type}
          onChange={type => void model.setFilters({ type })}
        />
        <MultiCheck
          name="user"
          label="User"
          options={[...new Set([...users, ...(f.users ?? [])])]}
          value={f.users ?? []}
          onChange={u => void model.setFilters({ users: u })}
        />
        <input
          className="je-tag-filter"
          placeholder="Tags (comma-separated)"
          aria-label="Filter by tag"
          defaultValue={f.tag.join(', ')}
          key={f.tag.join(',')}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              const tag = (e.target as HTMLInputElement).value
                .split(',')
                .map(s => s.trim())
                .filter(Boolean);
              void model.setFilters({ tag });
            }
          }}
        />
        <select
          className="je-select"
          aria-label="Tag match"
          value={f.tagMode ?? 'any'}
          onChange={e => void model.setFilters({ tagMode: e.target.value as 'any' | 'all' })}
        >
          <option value="any">any tag</option>
          <option value="all">all tags</option>
        </select>
        <RangeFilter model={model} />
        <ColumnPicker model={model} />
        <label className="je-check">
          <input
            type="checkbox"
            checked={f.archived}
            onChange={e => void model.setFilters({ archived: e.target.checked })}
          />
          Archived
        </label>
        {model.projectId === null ? (
          <label
            className="je-check"
            title="Dataset versions and pipeline steps are tasks too; they are left out unless asked for"
          >
            <input
              type="checkbox"
              checked={!!f.parts}
              onChange={e => void model.setFilters({ parts: e.target.checked })}
            />
            Datasets & pipeline steps
          </label>
        ) : null}
      </div>
      <BulkBar model={model} run={run} busy={busy} />
      <ErrorLine error={error} />
      <TaskTable
        model={model}
        onOpen={props.onOpen}
        onContextMenu={(id, x, y) => {
          // Placed inside the view: an ancestor's containment makes `fixed` relative to it anyway.
          const box = root.current?.getBoundingClientRect();
          setMenu({ id, x: x - (box?.left ?? 0), y: y - (box?.top ?? 0) });
        }}
      />
      {menu ? (
        <RowMenu
          model={model}
          x={menu.x}
          y={menu.y}
          onOpen={() => props.onOpen(menu.id)}
          run={run}
          onClose={() => setMenu(null)}
        />
      ) : null}
    </div>
  );
}
