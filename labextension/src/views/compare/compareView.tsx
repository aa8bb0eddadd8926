import * as React from 'react';

import type { ITaskSummary } from '../../api/shapes';
import { SHOWN_AT_FIRST } from '../../model/compare';
import { CompareModel, MAX_COMPARED } from '../../model/compareModel';
import { ErrorLine, StatusBadge, useSignal } from '../common';
import { IEnv, useEnv } from '../env';
import { CompareExecution, CompareValues } from './compareExecution';
import { CompareParams, ParamOverview } from './compareParams';
import { ComparePlots, CompareSamples } from './compareMedia';
import { CompareScalars } from './compareScalars';
import { ICompareTab, registeredCompareTabs } from './tabs';

const BUILT_IN: ICompareTab[] = [
  { id: 'scalars', label: 'Scalars', render: p => <CompareScalars model={p.model} /> },
  { id: 'hyperparameters', label: 'Hyperparameters', render: p => <CompareParams model={p.model} /> },
  { id: 'plots', label: 'Plots', render: p => <ComparePlots model={p.model} /> },
  { id: 'debug', label: 'Debug samples', render: p => <CompareSamples model={p.model} env={p.env} /> },
  { id: 'execution', label: 'Execution', render: p => <CompareExecution model={p.model} /> },
  { id: 'values', label: 'Values & artifacts', render: p => <CompareValues model={p.model} env={p.env} /> }
];

/** Find a task by name and add it to the comparison. */
function AddTask(props: { model: CompareModel; env: IEnv }): JSX.Element {
  const [text, setText] = React.useState('');
  const [found, setFound] = React.useState<ITaskSummary[]>([]);
  React.useEffect(() => {
    if (!text.trim()) {
      setFound([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      void props.env.client
        .tasks({ search: text.trim(), limit: 12, archived: 'false' })
        .then(list => !cancelled && setFound((list.items ?? []).filter(t => !props.model.ids.includes(t.id))))
        .catch(() => !cancelled && setFound([]));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text]);
  const full = props.model.ids.length >= MAX_COMPARED;
  return (
    <span className="je-add-task">
      <input
        className="je-search"
        placeholder={full ? `at most ${MAX_COMPARED} tasks` : 'Add a task…'}
        aria-label="Add a task"
        disabled={full}
        value={text}
        onChange={e => setText(e.target.value)}
      />
      {found.length ? (
        <div className="je-picker-pop" role="listbox" aria-label="Tasks to add">
          {found.map(t => (
            <button
              key={t.id}
              role="option"
              className="je-picker-item je-link-button"
              onClick={() => {
                setText('');
                setFound([]);
                void props.model.add([t.id]);
              }}
            >
              <StatusBadge status={t.status} /> {t.name} <span className="je-dim">{t.project_name}</span>
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}

/** The compared tasks: a chip each (colour, status, name → task, ✕ removes); past ten, a list to pick from. */
function TaskBar(props: { model: CompareModel; env: IEnv }): JSX.Element {
  const { model, env } = props;
  const [expanded, setExpanded] = React.useState(false);
  const tasks = model.tasks;
  const chip = (id: string, name: string, status: string) => (
    <span key={id} className="je-compare-task" data-task={id} style={{ borderColor: model.color(id) }}>
      <span className="je-swatch" style={{ background: model.color(id) }} />
      <StatusBadge status={status} />{' '}
      <a href="#" onClick={e => (e.preventDefault(), env.openTask(id))}>
        {name}
      </a>
      <button
        className="je-chip-x"
        aria-label={`Remove ${name} from the comparison`}
        title="Remove from the comparison"
        onClick={() => model.remove(id)}
      >
        ✕
      </button>
    </span>
  );
  const shown = tasks.filter(t => model.isShown(t.task.id));
  const collapsed = tasks.filter(t => !model.isShown(t.task.id));
  return (
    <div className="je-compare-tasks">
      {shown.map(t => chip(t.task.id, t.task.name, t.task.status))}
      {collapsed.length ? (
        <span className="je-collapsed">
          <button className="je-btn" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
            {collapsed.length} more not drawn ▾
          </button>
          {expanded ? (
            <div className="je-picker-pop" role="listbox" aria-label="Tasks not drawn">
              {tasks.map(t => (
                <label key={t.task.id} className="je-check je-picker-item">
                  <input
                    type="checkbox"
                    checked={model.isShown(t.task.id)}
                    onChange={e => model.setShown(t.task.id, e.target.checked)}
                  />
                  <span className="je-swatch" style={{ background: model.color(t.task.id) }} />
                  {t.task.name}
                </label>
              ))}
            </div>
          ) : null}
        </span>
      ) : null}
      <AddTask model={model} env={env} />
      {tasks.length > SHOWN_AT_FIRST ? (
        <span className="je-dim">
          {shown.length} of {tasks.length} drawn
        </span>
      ) : null}
    </div>
  );
}

/**
 * Compare: the tasks (add, remove, pick which are drawn), the parameter overview (parallel
 * coordinates and a parameter-vs-metric scatter) from the start, then tabs: scalars overlaid,
 * hyperparameters, plots and debug samples side by side, execution diff, values and artifacts.
 * `onIdsChange` hears every change of the compared tasks (the tab's title, the URL).
 */
export function CompareView(props: { ids: string[]; onIdsChange?: (ids: string[]) => void }): JSX.Element {
  const env = useEnv();
  const model = React.useMemo(() => new CompareModel(env.client, props.ids), [props.ids.join(',')]);
  useSignal(model.changed);
  const [tab, setTab] = React.useState('scalars');
  React.useEffect(() => void model.load(), [model]);
  React.useEffect(() => {
    const slot = (_: CompareModel, change: string) => change === 'tasks' && props.onIdsChange?.(model.ids.slice());
    model.changed.connect(slot);
    return () => void model.changed.disconnect(slot);
  }, [model]);
  const tabs = [...BUILT_IN, ...registeredCompareTabs()];
  const active = tabs.find(t => t.id === tab) ?? tabs[0];
  return (
    <div className="je-compare" data-compare={model.ids.join(',')}>
      <TaskBar model={model} env={env} />
      <ErrorLine error={model.error} />
      {model.ids.length < 2 ? <div className="je-empty">Add a task to compare.</div> : null}
      <ParamOverview model={model} env={env} />
      <div className="je-tabs" role="tablist">
        {tabs.map(t => (
          <button
            key={t.id}
            role="tab"
            aria-selected={t.id === active.id}
            data-compare-tab={t.id}
            className={`je-tab ${t.id === active.id ? 'je-active' : ''}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="je-compare-body" role="tabpanel">
        {active.render({ model, env })}
      </div>
    </div>
  );
}
