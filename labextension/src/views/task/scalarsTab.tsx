import * as React from 'react';

import type { ISeries } from '../../api/shapes';
import { filterCharts, forLogAxis, IChartSpec, smooth } from '../../model/scalars';
import { TaskModel, XAxis } from '../../model/task';
import { ErrorLine, useSignal } from '../common';
import { Plot } from '../plot';
import { ShowCell } from './notebookTab';

export interface IChartOptions {
  smoothing: number;
  log: boolean;
  xAxis: XAxis;
}

export function ChartControls(props: {
  options: IChartOptions;
  onChange: (o: IChartOptions) => void;
  filter?: string;
  onFilter?: (text: string) => void;
}): JSX.Element {
  const o = props.options;
  return (
    <div className="je-toolbar je-chart-controls">
      {props.onFilter ? (
        <input
          className="je-search"
          placeholder="Filter charts"
          aria-label="Filter charts"
          value={props.filter}
          onChange={e => props.onFilter?.(e.target.value)}
        />
      ) : null}
      <label>
        Smoothing{' '}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={o.smoothing}
          aria-label="Smoothing"
          onChange={e => props.onChange({ ...o, smoothing: Number(e.target.value) })}
        />{' '}
        {o.smoothing.toFixed(2)}
      </label>
      <label className="je-check">
        <input
          type="checkbox"
          checked={o.log}
          aria-label="Log scale"
          onChange={e => props.onChange({ ...o, log: e.target.checked })}
        />
        Log scale
      </label>
      <select
        className="je-select"
        aria-label="X axis"
        value={o.xAxis}
        onChange={e => props.onChange({ ...o, xAxis: e.target.value as XAxis })}
      >
        <option value="iter">x: iteration</option>
        <option value="timestamp">x: wall time</option>
      </select>
    </div>
  );
}

/** Plotly traces for series, with smoothing (the raw line stays, faded) and log-axis safety. */
export function traces(series: ISeries[], options: IChartOptions, namePrefix = ''): unknown[] {
  const out: unknown[] = [];
  const big = series.reduce((n, s) => n + s.x.length, 0) > 20000;
  const type = big ? 'scattergl' : 'scatter';
  const x = (s: ISeries) => (options.xAxis === 'timestamp' ? s.x.map(v => new Date(v * 1000)) : s.x);
  series.forEach((s, i) => {
    const y = options.log ? forLogAxis(s.y) : s.y;
    const name = namePrefix + s.series;
    const color = `hsl(${(i * 137.5) % 360}, 65%, 50%)`;
    if (options.smoothing > 0) {
      out.push({
        type,
        mode: 'lines',
        name,
        x: x(s),
        y,
        line: { color, width: 1 },
        opacity: 0.25,
        showlegend: false,
        hoverinfo: 'skip'
      });
      out.push({ type, mode: 'lines', name, x: x(s), y: smooth(y, options.smoothing), line: { color, width: 1.5 } });
    } else {
      out.push({ type, mode: 'lines', name, x: x(s), y, line: { color, width: 1.5 } });
    }
  });
  return out;
}

export function chartLayout(title: string, options: IChartOptions): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 13 } },
    yaxis: { type: options.log ? 'log' : 'linear' },
    xaxis: { type: options.xAxis === 'timestamp' ? 'date' : 'linear' }
  };
}

/** Plotly's zoom event → the x range to re-fetch, or null when the user reset the zoom. */
export function zoomRange(event: Record<string, unknown>, xAxis: XAxis): [number, number] | null | undefined {
  if (event['xaxis.autorange']) {
    return null;
  }
  const a = event['xaxis.range[0]'];
  const b = event['xaxis.range[1]'];
  if (a === undefined || b === undefined) {
    return undefined; // a y-only zoom: keep what we have
  }
  const num = (v: unknown) =>
    xAxis === 'timestamp' ? Date.parse(String(v).replace(' ', 'T') + 'Z') / 1000 : Number(v);
  return [num(a), num(b)];
}

function Chart(props: {
  model: TaskModel;
  chart: IChartSpec;
  options: IChartOptions;
  epoch: number;
  eager: boolean;
}): JSX.Element {
  const { model, chart, options } = props;
  const [series, setSeries] = React.useState<ISeries[] | null>(null);
  const [range, setRange] = React.useState<[number, number] | null>(null);
  const [error, setError] = React.useState('');
  // The first charts are on screen for sure: no need to wait a frame for the observer.
  const [visible, setVisible] = React.useState(props.eager);
  const ref = React.useRef<HTMLDivElement>(null);

  // Read points only once the chart scrolls near the viewport: a task with hundreds of
  // metrics opens as fast as one with a single metric.
  React.useEffect(() => {
    const el = ref.current;
    if (!el || visible) {
      return;
    }
    const observer = new IntersectionObserver(
      entries => {
        if (entries.some(e => e.isIntersecting)) {
          setVisible(true);
          observer.disconnect();
        }
      },
      { rootMargin: '300px' }
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  React.useEffect(() => {
    if (!visible) {
      return;
    }
    let cancelled = false;
    model
      .chartData(chart, { xAxis: options.xAxis, range: range ?? undefined })
      .then(s => !cancelled && (setSeries(s), setError('')))
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [visible, chart.series.join('\n'), options.xAxis, range, props.epoch]);

  const data = React.useMemo(
    () => (series ? traces(series, options) : []),
    [series, options.smoothing, options.log, options.xAxis]
  );
  const layout = React.useMemo(() => {
    const l = chartLayout(chart.title, options);
    if (range) {
      const fmt = (v: number) => (options.xAxis === 'timestamp' ? new Date(v * 1000).toISOString() : v);
      (l.xaxis as Record<string, unknown>).range = [fmt(range[0]), fmt(range[1])];
    }
    return l;
  }, [chart.title, options.log, options.xAxis, range]);

  return (
    <div className="je-chart" ref={ref} data-chart={chart.title}>
      <ErrorLine error={error} />
      <ShowCell model={model} kind="scalar" itemKey={chart.title} />
      {series ? (
        <Plot
          data={data}
          layout={layout}
          onRelayout={e => {
            const r = zoomRange(e, options.xAxis);
            if (r !== undefined) {
              setRange(r);
            }
          }}
        />
      ) : (
        <div className="je-chart-placeholder">{chart.title} …</div>
      )}
    </div>
  );
}

/** One chart per metric title with all its series; each reads its points when scrolled to. */
export function ScalarsTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, p => p === 'metrics');
  const [options, setOptions] = React.useState<IChartOptions>({ smoothing: 0, log: false, xAxis: 'iter' });
  const [filter, setFilter] = React.useState('');
  React.useEffect(() => void model.load('metrics'), [model]);
  const charts = filterCharts(model.charts, filter);
  return (
    <div className="je-tab-scalars">
      <ChartControls options={options} onChange={setOptions} filter={filter} onFilter={setFilter} />
      <ErrorLine error={model.errors.metrics} />
      {charts.length === 0 ? <div className="je-empty">No scalars reported.</div> : null}
      <div className="je-charts">
        {charts.map((c, i) => (
          <Chart key={c.title} model={model} chart={c} options={options} epoch={model.chartEpoch} eager={i < 2} />
        ))}
      </div>
    </div>
  );
}
