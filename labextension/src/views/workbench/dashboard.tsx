import * as React from 'react';

import { ITaskQuery } from '../../api/client';
import type { IProject, ITaskSummary } from '../../api/shapes';
import { STATUS_LABELS } from '../../api/shapes';
import { formatNumber, formatTime } from '../../model/format';
import { markdownToHtml } from '../../model/markdown';
import { ErrorLine, StatusBadge, useAction } from '../common';
import { useEnv } from '../env';

export interface IDashboardProps {
  /** A project path; '' is the home view over every project. */
  path: string;
  onOpenProject: (path: string) => void;
  onOpenTable: (path: string) => void;
  copyLink: () => Promise<void>;
  refreshSignal: number;
}

interface IPoint {
  id: string;
  name: string;
  x: number;
  y: number;
}

/** A chosen metric of every task over time; click a point to open its task. */
export function Scatter(props: { points: IPoint[]; onOpen: (id: string) => void; metric: string }): JSX.Element {
  const W = 560;
  const H = 220;
  const pad = { l: 56, r: 12, t: 10, b: 28 };
  const { points } = props;
  if (!points.length) {
    return <div className="je-muted">No task reported {props.metric || 'this metric'} yet</div>;
  }
  const xs = points.map(p => p.x);
  const ys = points.map(p => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (W - pad.l - pad.r);
  const sy = (y: number) => H - pad.b - ((y - y0) / (y1 - y0 || 1)) * (H - pad.t - pad.b);
  const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  return (
    <svg
      className="je-scatter"
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label={`${props.metric} of each task over time`}
    >
      <line x1={pad.l} y1={H - pad.b} x2={W - pad.r} y2={H - pad.b} className="je-axis" />
      <line x1={pad.l} y1={pad.t} x2={pad.l} y2={H - pad.b} className="je-axis" />
      <text x={pad.l - 4} y={pad.t + 8} textAnchor="end" className="je-axis-label">
        {formatNumber(y1)}
      </text>
      <text x={pad.l - 4} y={H - pad.b} textAnchor="end" className="je-axis-label">
        {formatNumber(y0)}
      </text>
      <text x={pad.l} y={H - 8} className="je-axis-label">
        {day(x0)}
      </text>
      <text x={W - pad.r} y={H - 8} textAnchor="end" className="je-axis-label">
        {day(x1)}
      </text>
      {points.map(p => (
        <circle
          key={p.id}
          cx={sx(p.x)}
          cy={sy(p.y)}
          r={4.5}
          className="je-point"
          data-point-task={p.id}
          onClick={() => props.onOpen(p.id)}
        >
          <title>
            {p.name}: {formatNumber(p.y)}
          </title>
        </circle>
      ))}
    </svg>
  );
}

function Description(props: { project: IProject; onSaved: () => void }): JSX.Element {
  const env = useEnv();
  const [editing, setEditing] = React.useState(false);
  const [text, setText] = React.useState(props.project.description ?? '');
  const [error, run, busy] = useAction();
  React.useEffect(() => setText(props.project.description ?? ''), [props.project.description]);
  if (editing) {
    return (
      <div className="je-description">
        <textarea
          className="je-input je-description-editor"
          aria-label="Project description (markdown)"
          value={text}
          rows={8}
          onChange={e => setText(e.target.value)}
        />
        <div className="je-toolbar">
          <button
            className="je-btn je-primary"
            data-action="save-description"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await env.client.describeProject(props.project.id, text);
                setEditing(false);
                props.onSaved();
              })
            }
          >
            Save
          </button>
          <button className="je-btn" onClick={() => (setEditing(false), setText(props.project.description ?? ''))}>
            Cancel
          </button>
        </div>
        <ErrorLine error={error} />
      </div>
    );
  }
  return (
    <div className="je-description">
      {text ? (
        <div className="je-markdown" dangerouslySetInnerHTML={{ __html: markdownToHtml(text) }} />
      ) : (
        <div className="je-muted">No description yet.</div>
      )}
      <button className="je-btn" data-action="edit-description" onClick={() => setEditing(true)}>
        Edit description
      </button>
    </div>
  );
}

/** A project's dashboard (or the home view over every project). */
export function Dashboard(props: IDashboardProps): JSX.Element {
  const env = useEnv();
  const [projects, setProjects] = React.useState<IProject[]>([]);
  const [counts, setCounts] = React.useState<Record<string, number>>({});
  const [recent, setRecent] = React.useState<ITaskSummary[]>([]);
  const [metrics, setMetrics] = React.useState<string[]>([]);
  const [metric, setMetric] = React.useState('');
  const [points, setPoints] = React.useState<IPoint[]>([]);
  const [leaders, setLeaders] = React.useState<ITaskSummary[]>([]);
  const [ascending, setAscending] = React.useState(false);
  const [reload, setReload] = React.useState(0);
  const [error, setError] = React.useState('');
  const base: ITaskQuery = { project: props.path || undefined, archived: 'false', parts: false };
  const project = projects.find(p => (p.path || p.name) === props.path);

  React.useEffect(() => {
    const fail = (e: Error) => setError(e.message);
    void env.client.projects().then(setProjects).catch(fail);
    void env.client
      .statusCounts(base)
      .then(r => setCounts(r.counts))
      .catch(fail);
    void env.client
      .tasks({ ...base, order_by: '-last_update', limit: 10 })
      .then(r => setRecent(r.items))
      .catch(fail);
    void env.client
      .taskColumns(base)
      .then(r => {
        const keys = r.metrics.map(([t, s]) => `${t}/${s}`);
        setMetrics(keys);
        setMetric(m => (m && keys.includes(m) ? m : (keys[0] ?? '')));
      })
      .catch(fail);
  }, [props.path, props.refreshSignal, reload]);

  React.useEffect(() => {
    if (!metric) {
      setPoints([]);
      setLeaders([]);
      return;
    }
    const column = `metric:${metric}`;
    // Answers for a metric no longer chosen are dropped (a quick change of the picker).
    let live = true;
    const fail = (e: Error) => live && setError(e.message);
    void env.client
      .tasks({
        ...base,
        order_by: 'created',
        columns: ['id', 'name', 'created', column],
        limit: 2000,
        range: [`${column}=..`]
      })
      .then(
        r =>
          live &&
          setPoints(
            r.items
              .filter(t => typeof t.columns?.[column] === 'number')
              .map(t => ({
                id: t.id,
                name: t.name,
                x: new Date(t.created ?? 0).getTime(),
                y: t.columns![column] as number
              }))
          )
      )
      .catch(fail);
    void env.client
      .tasks({
        ...base,
        order_by: `${ascending ? '' : '-'}${column}`,
        columns: [column],
        limit: 10,
        range: [`${column}=..`]
      })
      .then(r => live && setLeaders(r.items))
      .catch(fail);
    return () => {
      live = false;
    };
  }, [metric, ascending, props.path, props.refreshSignal]);

  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const children = projects.filter(p => !p.hidden && (props.path ? p.parent === project?.id : !p.parent));
  // A card counts the tasks of its whole subtree (a top-level project often holds none itself).
  const subtree = (p: IProject) => {
    const path = p.path || p.name;
    return projects
      .filter(q => !q.hidden && ((q.path || q.name) === path || (q.path || q.name).startsWith(`${path}/`)))
      .reduce((n, q) => n + (q.tasks ?? 0), 0);
  };
  return (
    <div className="je-dashboard" data-dashboard={props.path || 'home'}>
      <div className="je-toolbar je-workbench-head">
        <span className="je-title">{props.path || 'All projects'}</span>
        <button className="je-btn je-primary" data-action="open-table" onClick={() => props.onOpenTable(props.path)}>
          Open experiments table
        </button>
        <button className="je-btn" data-action="copy-link" onClick={() => void props.copyLink()}>
          Copy link
        </button>
      </div>
      <ErrorLine error={error} />
      <div className="je-dash-grid">
        <section className="je-card je-card-wide">
          <h3>{props.path ? 'Description' : 'Projects'}</h3>
          {project ? <Description project={project} onSaved={() => setReload(r => r + 1)} /> : null}
          {children.length ? (
            <div className="je-project-cards">
              {children.map(p => (
                <button
                  key={p.id}
                  className="je-project-card"
                  data-project-card={p.path || p.name}
                  onClick={() => props.onOpenProject(p.path || p.name)}
                >
                  <strong>{p.basename ?? p.name}</strong>
                  <span className="je-muted">{subtree(p)} tasks</span>
                </button>
              ))}
            </div>
          ) : null}
        </section>
        <section className="je-card">
          <h3>Tasks by status</h3>
          <div className="je-counts" data-total={total}>
            <div className="je-count-total">
              <strong>{total.toLocaleString()}</strong> tasks
            </div>
            {Object.entries(counts)
              .sort((a, b) => b[1] - a[1])
              .map(([s, n]) => (
                <div key={s} className="je-status-count" data-status-count={s}>
                  <StatusBadge status={s} />
                  <span className="je-bar" style={{ width: `${Math.max(4, (n / (total || 1)) * 100)}%` }} />
                  <span>{n.toLocaleString()}</span>
                </div>
              ))}
          </div>
        </section>
        <section className="je-card">
          <h3>Recent activity</h3>
          <ul className="je-recent">
            {recent.map(t => (
              <li key={t.id}>
                <a href="#" data-recent-task={t.id} onClick={e => (e.preventDefault(), env.openTask(t.id))}>
                  {t.name}
                </a>{' '}
                <span className="je-muted">
                  {STATUS_LABELS[t.status] ?? t.status} · {formatTime(t.last_update)}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="je-card je-card-wide">
          <h3>
            Metric snapshot{' '}
            <select className="je-select" aria-label="Metric" value={metric} onChange={e => setMetric(e.target.value)}>
              {metrics.map(m => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </h3>
          <Scatter points={points} metric={metric} onOpen={env.openTask} />
        </section>
        <section className="je-card">
          <h3>
            Leaderboard{' '}
            <button
              className="je-btn"
              data-action="leader-order"
              onClick={() => setAscending(!ascending)}
              title="Best is highest or lowest"
            >
              {ascending ? 'lowest first' : 'highest first'}
            </button>
          </h3>
          <ol className="je-leaderboard">
            {leaders.map(t => (
              <li key={t.id} data-leader={t.id}>
                <a href="#" onClick={e => (e.preventDefault(), env.openTask(t.id))}>
                  {t.name}
                </a>{' '}
                <code>{formatNumber(t.columns?.[`metric:${metric}`] as number)}</code>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
