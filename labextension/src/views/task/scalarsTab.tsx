import * as React from 'react';

import type { ISeries } from '../../api/shapes';
import { earliestX, filterCharts, forLogAxis, IChartSpec, smooth, xForAxis } from '../../model/scalars';
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
        <option value="relative">x: relative time</option>
      </select>
    </div>
  );
}

/** How one series is drawn: its colour, its dash, its legend name and group. */
export interface ITraceStyle {
  color: string;
  dash?: string;
  name: string;
  group?: string;
}

/** The default style: one colour per series, in the order given. */
export function seriesStyle(s: ISeries, i: number): ITraceStyle {
  return { color: `hsl(${(i * 137.5) % 360}, 65%, 50%)`, name: s.series };
}

/**
 * Plotly traces for series, with smoothing (the raw line stays, faded) and log-axis safety.
 * `origin` gives the start of each series' run for the relative-time axis (epoch ms).
 */
export function traces(
  series: ISeries[],
  options: IChartOptions,
  style: (s: ISeries, i: number) => ITraceStyle = seriesStyle,
  origin: (s: ISeries) => number = () => earliestX(series)
): unknown[] {
  const out: unknown[] = [];
  const big = series.reduce((n, s) => n + s.x.length, 0) > 20000;
  const type = big ? 'scattergl' : 'scatter';
  series.forEach((s, i) => {
    const y = options.log ? forLogAxis(s.y) : s.y;
    const x = xForAxis(s.x, options.xAxis, options.xAxis === 'relative' ? origin(s) : 0);
    const { color, dash, name, group } = style(s, i);
    const line = { color, width: 1.5, dash: dash ?? 'solid' };
    const common = { type, mode: 'lines', name, x, legendgroup: group };
    if (options.smoothing > 0) {
      out.push({ ...common, y, line: { ...line, width: 1 }, opacity: 0.25, showlegend: false, hoverinfo: 'skip' });
      out.push({ ...common, y: smooth(y, options.smoothing), line });
    } else {
      out.push({ ...common, y, line });
    }
  });
  return out;
}

const X_TITLES: Record<XAxis, string> = { iter: 'iteration', timestamp: 'wall time', relative: 'seconds since start' };

export function chartLayout(title: string, options: IChartOptions): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 13 } },
    yaxis: { type: options.log ? 'log' : 'linear' },
    xaxis: { type: options.xAxis === 'timestamp' ? 'date' : 'linear', title: { text: X_TITLES[options.xAxis] } }
  };
}

/**
 * Plotly's zoom event → the x range to re-fetch (iterations, or epoch seconds on the time axes),
 * or null when the user reset the zoom. `originMs` turns the relative axis back into times.
 */
export function zoomRange(
  event: Record<string, unknown>,
  xAxis: XAxis,
  originMs = 0
): [number, number] | null | undefined {
  if (event['xaxis.autorange']) {
    return null;
  }
  const a = event['xaxis.range[0]'];
  const b = event['xaxis.range[1]'];
  if (a === undefined || b === undefined) {
    return undefined; // a y-only zoom: keep what we have
  }
  const num = (v: unknown) =>
    xAxis === 'timestamp'
      ? Date.parse(String(v).replace(' ', 'T') + 'Z') / 1000
      : xAxis === 'relative'
        ? originMs / 1000 + Number(v)
        : Number(v);
  return [num(a), num(b)];
}

/** A zoom range (as `zoomRange` gives it) in the units the axis draws. */
export function axisRange(range: [number, number], xAxis: XAxis, originMs = 0): [number | string, number | string] {
  const fmt = (v: number) =>
    xAxis === 'timestamp' ? new Date(v * 1000).toISOString() : xAxis === 'relative' ? v - originMs / 1000 : v;
  return [fmt(range[0]), fmt(range[1])];
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
  // The relative axis counts from the run's first point, kept while zoomed (a window's own first
  // point is later).
  const origin = React.useRef(0);
  React.useEffect(() => setRange(null), [options.xAxis]);

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

  const data = React.useMemo(() => {
    if (!series) {
      return [];
    }
    if (!range && options.xAxis !== 'iter') {
      origin.current = earliestX(series);
    }
    return traces(series, options, seriesStyle, () => origin.current);
  }, [series, options.smoothing, options.log, options.xAxis]);
  const layout = React.useMemo(() => {
    const l = chartLayout(chart.title, options);
    if (range) {
      (l.xaxis as Record<string, unknown>).range = axisRange(range, options.xAxis, origin.current);
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
            const r = zoomRange(e, options.xAxis, origin.current);
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
