import * as React from 'react';

import {
  dimensionOf,
  IDiffRow,
  metricKeys,
  metricOf,
  MetricValue,
  parcoordsDimensions,
  parcoordsTrace
} from '../../model/compare';
import { CompareModel } from '../../model/compareModel';
import { formatNumber } from '../../model/format';
import { useSignal } from '../common';
import { IEnv } from '../env';
import { Plot } from '../plot';

/** A table of `rows`, one column per task, the differing rows marked. */
export function DiffTable(props: {
  rows: IDiffRow[];
  names: string[];
  colors?: string[];
  onlyDiff: boolean;
  label: string;
  pre?: boolean;
}): JSX.Element {
  const rows = props.onlyDiff ? props.rows.filter(r => r.differs) : props.rows;
  return (
    <div className="je-diff-wrap">
      <table className="je-grid je-diff">
        <thead>
          <tr>
            <th>{props.label}</th>
            {props.names.map((n, i) => (
              <th key={i}>
                {props.colors ? <span className="je-swatch" style={{ background: props.colors[i] }} /> : null}
                {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(r => (
            <tr key={r.key} className={r.differs ? 'je-differs' : ''} data-key={r.key}>
              <th>{r.key}</th>
              {r.values.map((v, i) => (
                <td key={i}>
                  {v === undefined ? (
                    <span className="je-dim">—</span>
                  ) : props.pre ? (
                    <pre className="je-code je-diff-pre">{v}</pre>
                  ) : (
                    formatCell(v)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A long float reads rounded (its full value on hover), not clipped. */
function formatCell(v: string): JSX.Element | string {
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n) && !Number.isInteger(n) && v.length > 8) {
    return <span title={v}>{formatNumber(n)}</span>;
  }
  return v;
}

/** The metric the overview plots: a `title/series` and last, min or max. */
interface IMetricChoice {
  key: string;
  which: MetricValue;
}

function MetricSelect(props: { keys: string[]; value: IMetricChoice; onChange: (v: IMetricChoice) => void }) {
  return (
    <span className="je-metric-select">
      <select
        className="je-select"
        aria-label="Metric"
        value={props.value.key}
        onChange={e => props.onChange({ ...props.value, key: e.target.value })}
      >
        {props.keys.map(k => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <select
        className="je-select"
        aria-label="Metric value"
        value={props.value.which}
        onChange={e => props.onChange({ ...props.value, which: e.target.value as MetricValue })}
      >
        <option value="last">last</option>
        <option value="min">min</option>
        <option value="max">max</option>
      </select>
    </span>
  );
}

/**
 * The overview shown from the start: parallel coordinates of the parameters that differ and a
 * metric (every task compared), and a parameter-vs-metric scatter whose points open their task.
 */
export function ParamOverview(props: { model: CompareModel; env: IEnv }): JSX.Element | null {
  const { model, env } = props;
  useSignal(model.changed, c => c === 'tasks');
  const tasks = model.tasks;
  const keys = React.useMemo(() => metricKeys(tasks.map(t => t.metrics)), [tasks.length, model.loaded]);
  const [choice, setChoice] = React.useState<IMetricChoice>({ key: '', which: 'last' });
  const metric = keys.includes(choice.key) ? choice : { key: keys[0] ?? '', which: choice.which };
  const diff = model.diff;
  const differing = diff.filter(r => r.differs);
  const [param, setParam] = React.useState('');
  // Drawn once the first scalar chart is (parcoords is WebGL: on a software renderer it takes
  // the main thread for a while), or after 1.5 s at the latest.
  const [drawNow, setDrawNow] = React.useState(false);
  React.useEffect(() => {
    let done = false;
    const go = () => !done && ((done = true), requestAnimationFrame(() => setDrawNow(true)));
    void model.firstChart.then(go);
    const timer = setTimeout(go, 1500);
    return () => {
      done = true;
      clearTimeout(timer);
    };
  }, [model]);
  const xParam = differing.some(r => r.key === param) ? param : (differing[0]?.key ?? '');

  const metricValues = tasks.map(t => (metric.key ? metricOf(t.metrics, metric.key, metric.which) : null));
  const colors = tasks.map(t => model.color(t.task.id));
  const parcoords = React.useMemo(() => {
    const dims = parcoordsDimensions(
      diff,
      metric.key ? { label: `${metric.key} (${metric.which})`, values: metricValues } : null
    );
    return dims.length ? [parcoordsTrace(dims, colors, metricValues)] : [];
  }, [tasks, metric.key, metric.which]);

  const scatter = React.useMemo(() => {
    const row = differing.find(r => r.key === xParam);
    if (!row || !metric.key) {
      return [];
    }
    const dim = dimensionOf(row.key, row.values);
    return [
      {
        type: 'scatter',
        mode: 'markers',
        x: dim.values,
        y: metricValues,
        text: tasks.map(t => t.task.name),
        customdata: tasks.map(t => t.task.id),
        hovertemplate: '%{text}<br>%{x}: %{y}<extra></extra>',
        marker: { color: colors, size: 10, line: { width: 1, color: 'rgba(0,0,0,0.3)' } }
      }
    ];
  }, [tasks, xParam, metric.key, metric.which]);
  const scatterAxis = (() => {
    const row = differing.find(r => r.key === xParam);
    const dim = row ? dimensionOf(row.key, row.values) : null;
    return dim?.tickvals ? { tickvals: dim.tickvals, ticktext: dim.ticktext } : {};
  })();

  if (!tasks.length) {
    return null;
  }
  return (
    <div className="je-compare-overview">
      <div className="je-chart je-parcoords" data-chart="parallel coordinates">
        <div className="je-toolbar">
          <b>Parallel coordinates</b>
          <span className="je-dim">
            {differing.length} differing parameter{differing.length === 1 ? '' : 's'} · {tasks.length} tasks
          </span>
          <span className="je-spacer" />
          {keys.length ? <MetricSelect keys={keys} value={metric} onChange={setChoice} /> : null}
        </div>
        {parcoords.length && differing.length && drawNow ? (
          <Plot data={parcoords} layout={{ margin: { l: 60, r: 60, t: 50, b: 20 } }} height={300} />
        ) : (
          <div className="je-empty">
            {model.loaded && !differing.length ? 'No hyperparameter differs between these tasks.' : 'Loading…'}
          </div>
        )}
      </div>
      <div className="je-chart je-scatter" data-chart="parameter vs metric">
        <div className="je-toolbar">
          <b>Parameter vs metric</b>
          <span className="je-spacer" />
          {differing.length ? (
            <select
              className="je-select"
              aria-label="Parameter"
              value={xParam}
              onChange={e => setParam(e.target.value)}
            >
              {differing.map(r => (
                <option key={r.key} value={r.key}>
                  {r.key}
                </option>
              ))}
            </select>
          ) : null}
        </div>
        {scatter.length && drawNow ? (
          <Plot
            data={scatter}
            layout={{
              xaxis: { title: { text: xParam }, ...scatterAxis },
              yaxis: { title: { text: `${metric.key} (${metric.which})` } },
              showlegend: false,
              hovermode: 'closest'
            }}
            height={300}
            onClick={e => {
              const id = e.points?.[0]?.customdata;
              if (typeof id === 'string') {
                env.openTask(id);
              }
            }}
          />
        ) : (
          <div className="je-empty">{model.loaded ? 'Needs a differing parameter and a metric.' : 'Loading…'}</div>
        )}
      </div>
    </div>
  );
}

/** Hyperparameters: the diff table (all, or only what differs). */
export function CompareParams(props: { model: CompareModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, c => c === 'tasks');
  const [onlyDiff, setOnlyDiff] = React.useState(false);
  const tasks = model.tasks;
  return (
    <div className="je-compare-params">
      <label className="je-check">
        <input type="checkbox" checked={onlyDiff} onChange={e => setOnlyDiff(e.target.checked)} /> only differences
      </label>
      <DiffTable
        rows={model.diff}
        names={tasks.map(t => t.task.name)}
        colors={tasks.map(t => model.color(t.task.id))}
        onlyDiff={onlyDiff}
        label="Parameter"
      />
    </div>
  );
}
