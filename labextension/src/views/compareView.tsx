import * as React from 'react';

import type { IArtifact, IParam, ISeries, ISingleValue, ITask } from '../api/shapes';
import { IDiffRow, paramDiff, singleValueTable } from '../model/compare';
import { formatBytes } from '../model/format';
import { groupByTitle } from '../model/scalars';
import { ErrorLine, StatusBadge } from './common';
import { useEnv } from './env';
import { NotebookDiffView } from './notebookDiff';
import { Plot } from './plot';
import { chartLayout, ChartControls, IChartOptions, traces } from './task/scalarsTab';

interface ICompared {
  tasks: ITask[];
  params: IParam[][];
  values: ISingleValue[][];
  artifacts: IArtifact[][];
  scalars: Map<string, ISeries[]>;
}

function DiffTable(props: { rows: IDiffRow[]; tasks: ITask[]; onlyDiff: boolean; label: string }): JSX.Element {
  const rows = props.onlyDiff ? props.rows.filter(r => r.differs) : props.rows;
  return (
    <table className="je-grid je-diff">
      <thead>
        <tr>
          <th>{props.label}</th>
          {props.tasks.map(t => (
            <th key={t.id}>{t.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(r => (
          <tr key={r.key} className={r.differs ? 'je-differs' : ''} data-key={r.key}>
            <th>{r.key}</th>
            {r.values.map((v, i) => (
              <td key={i}>{v ?? <span className="je-dim">—</span>}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Compare: scalars overlaid, parameter diff, single values, artifacts side by side. */
export function CompareView(props: { ids: string[] }): JSX.Element {
  const env = useEnv();
  const [data, setData] = React.useState<ICompared | null>(null);
  const [error, setError] = React.useState('');
  const [onlyDiff, setOnlyDiff] = React.useState(false);
  const [options, setOptions] = React.useState<IChartOptions>({ smoothing: 0, log: false, xAxis: 'iter' });
  const [view, setView] = React.useState<'Overview' | 'Notebook'>('Overview');

  React.useEffect(() => {
    const c = env.client;
    const ids = props.ids;
    Promise.all([
      Promise.all(ids.map(id => c.task(id))),
      Promise.all(ids.map(id => c.parameters(id))),
      Promise.all(ids.map(id => c.singleValues(id))),
      Promise.all(ids.map(id => c.artifacts(id))),
      c.compareScalars(ids, { max_points: 1000 })
    ])
      .then(([tasks, params, values, artifacts, scalars]) => {
        // Overlay: one chart per title, one trace per (task, series).
        const merged: ISeries[] = [];
        for (const t of tasks) {
          for (const s of scalars[t.id] ?? []) {
            merged.push({ ...s, series: `${t.name} · ${s.series}` });
          }
        }
        setData({ tasks, params, values, artifacts, scalars: groupByTitle(merged) });
      })
      .catch((e: Error) => setError(e.message));
  }, [props.ids.join(',')]);

  if (error) {
    return <ErrorLine error={error} />;
  }
  if (!data) {
    return <div className="je-empty">Loading…</div>;
  }
  const diff = paramDiff(data.params);
  const values = singleValueTable(data.values);
  return (
    <div className="je-compare" data-compare={props.ids.join(',')}>
      <div className="je-compare-tasks">
        {data.tasks.map(t => (
          <span key={t.id} className="je-compare-task">
            <StatusBadge status={t.status} />{' '}
            <a href="#" onClick={e => (e.preventDefault(), env.openTask(t.id))}>
              {t.name}
            </a>
          </span>
        ))}
      </div>
      <div className="je-tabs je-compare-views" role="tablist">
        {(['Overview', 'Notebook'] as const).map(name => (
          <button
            key={name}
            role="tab"
            aria-selected={view === name}
            className={`je-tab ${view === name ? 'je-active' : ''}`}
            onClick={() => setView(name)}
          >
            {name}
          </button>
        ))}
      </div>
      {view === 'Notebook' ? (
        <NotebookDiffView ids={data.tasks.map(t => t.id)} names={data.tasks.map(t => t.name)} />
      ) : (
        <>
          <h3>Scalars</h3>
          <ChartControls options={options} onChange={setOptions} />
          <div className="je-charts">
            {[...data.scalars.entries()].map(([title, series]) => (
              <div className="je-chart" key={title} data-chart={title}>
                <Plot data={traces(series, options)} layout={chartLayout(title, options)} />
              </div>
            ))}
          </div>
          <h3>
            Hyperparameters{' '}
            <label className="je-check">
              <input type="checkbox" checked={onlyDiff} onChange={e => setOnlyDiff(e.target.checked)} /> only
              differences
            </label>
          </h3>
          <DiffTable rows={diff} tasks={data.tasks} onlyDiff={onlyDiff} label="Parameter" />
          <h3>Single values</h3>
          <DiffTable rows={values} tasks={data.tasks} onlyDiff={false} label="Value" />
          <h3>Artifacts</h3>
          <div className="je-side-by-side">
            {data.tasks.map((t, i) => (
              <div key={t.id} className="je-side">
                <h4>{t.name}</h4>
                {data.artifacts[i].map(a => (
                  <div key={a.name} className="je-artifact">
                    <b>{a.name}</b> <span className="je-dim">{a.type}</span>{' '}
                    <span className="je-dim">{formatBytes(a.size)}</span>
                    {a.preview ? <pre className="je-code">{a.preview}</pre> : null}
                  </div>
                ))}
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
