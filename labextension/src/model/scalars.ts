/** Pure helpers for scalar charts: smoothing, grouping series into charts, log-scale safety. */

import type { IMetricSummary, ISeries } from '../api/shapes';

/**
 * Exponential moving average with TensorBoard's debiasing (the smoothing ClearML's UI uses):
 * weight 0 returns the input, weight 0.99 follows the trend. Nulls (NaN/inf stored) stay null
 * and do not poison the average.
 */
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) {
    return values.slice();
  }
  const w = Math.min(weight, 0.999);
  const out: (number | null)[] = new Array(values.length);
  let last = 0;
  let steps = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * w + (1 - w) * v;
    steps++;
    out[i] = last / (1 - Math.pow(w, steps));
  }
  return out;
}

/** On a log axis, values <= 0 cannot be drawn: they become gaps instead of breaking the chart. */
export function forLogAxis(values: (number | null)[]): (number | null)[] {
  return values.map(v => (v !== null && v > 0 ? v : null));
}

export interface IChartSpec {
  title: string;
  /** `title/series` keys in this chart, in the order the server listed them. */
  series: string[];
  /** The unit shared by the series (resource-monitor charts). */
  unit?: string;
}

export function seriesKey(title: string, series: string): string {
  return `${title}/${series}`;
}

const MONITOR = ':monitor:';

/** The unit of a resource-monitor series, from its name (`cpu_usage` → %, `io_read_mbs` → MB/s). */
export function monitorUnit(series: string): string {
  const s = series.toLowerCase();
  if (/_mbs$|_mb_s$/.test(s)) {
    return 'MB/s';
  }
  if (/_gb$/.test(s)) {
    return 'GB';
  }
  if (/_mb$/.test(s)) {
    return 'MB';
  }
  if (/temperature/.test(s)) {
    return '°C';
  }
  if (/power/.test(s)) {
    return 'W';
  }
  if (/usage|percent|utilization|util$/.test(s)) {
    return '%';
  }
  return '';
}

/**
 * One chart per metric title, each with all its series (no cap on either). The user's own
 * metrics come first; `:monitor:*` titles follow, split into one chart per unit (a % and a GB
 * series on one y axis flatten each other).
 */
export function chartsFromSummaries(summaries: Pick<IMetricSummary, 'title' | 'series'>[]): IChartSpec[] {
  const byTitle = new Map<string, IChartSpec>();
  const monitor = new Map<string, IChartSpec>();
  for (const m of summaries) {
    const isMonitor = m.title.startsWith(MONITOR);
    const unit = isMonitor ? monitorUnit(m.series) : '';
    const label = isMonitor && unit ? `${m.title} (${unit})` : m.title;
    const charts = isMonitor ? monitor : byTitle;
    let chart = charts.get(label);
    if (!chart) {
      chart = { title: label, series: [] };
      if (unit) {
        chart.unit = unit;
      }
      charts.set(label, chart);
    }
    chart.series.push(seriesKey(m.title, m.series));
  }
  return [...byTitle.values(), ...monitor.values()];
}

/** What the x axis shows: iterations, wall-clock time, or seconds since the run's first point. */
export type XAxisKind = 'iter' | 'timestamp' | 'relative';

/**
 * The x values to draw. The server sends times as epoch milliseconds (`x_axis=timestamp`):
 * a date axis takes them as they are; the relative axis shows seconds since `originMs`.
 */
export function xForAxis(x: number[], axis: XAxisKind, originMs = 0): number[] {
  if (axis === 'relative') {
    return x.map(v => (v - originMs) / 1000);
  }
  return x;
}

/** The earliest x of a set of series (the origin of the relative-time axis); 0 when empty. */
export function earliestX(series: Pick<ISeries, 'x'>[]): number {
  let lo = Infinity;
  for (const s of series) {
    for (const v of s.x) {
      if (v < lo) {
        lo = v;
      }
    }
  }
  return Number.isFinite(lo) ? lo : 0;
}

/**
 * Points to ask per series so that one chart stays near `budget` points in total: a chart is
 * ~1,000 pixels wide and the server's min/max downsample keeps every spike, so more buys nothing.
 */
export function pointsPerSeries(seriesInChart: number, budget = 10000, floor = 200, ceiling = 2000): number {
  if (seriesInChart <= 0) {
    return ceiling;
  }
  return Math.max(floor, Math.min(ceiling, Math.floor(budget / seriesInChart)));
}

/** Group a flat series list by title (compare view and single-task view both use it). */
export function groupByTitle(series: ISeries[]): Map<string, ISeries[]> {
  const out = new Map<string, ISeries[]>();
  for (const s of series) {
    const list = out.get(s.title) ?? [];
    list.push(s);
    out.set(s.title, list);
  }
  return out;
}

/** Case-insensitive filter of chart titles/series names, the Scalars tab's search box. */
export function filterCharts(charts: IChartSpec[], text: string): IChartSpec[] {
  const needle = text.trim().toLowerCase();
  if (!needle) {
    return charts;
  }
  return charts
    .map(c =>
      c.title.toLowerCase().includes(needle)
        ? c
        : { title: c.title, series: c.series.filter(s => s.toLowerCase().includes(needle)) }
    )
    .filter(c => c.series.length > 0);
}
