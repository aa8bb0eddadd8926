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
export function chartsFromSummaries(
  summaries: Pick<IMetricSummary, 'title' | 'series' | 'last_iter' | 'count'>[]
): IChartSpec[] {
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
  const user = [...byTitle.values()].flatMap(chart => splitByExtent(chart, summaries));
  return [...user, ...monitor.values()];
}

/** Series this many times shorter (in iterations) than a chart's longest get their own chart. */
export const EXTENT_RATIO = 20;

/**
 * A framework's auto-logged curve (CatBoost's 1,000-iteration `learn`) and a few hand-reported
 * points under the same title share no x axis: on one chart the hand-reported points are a
 * speck at its left edge. Series whose last iteration is 20 times below the longest's are drawn
 * on a chart of their own, named by its iterations.
 */
export function splitByExtent(
  chart: IChartSpec,
  summaries: Pick<IMetricSummary, 'title' | 'series' | 'last_iter' | 'count'>[]
): IChartSpec[] {
  if (chart.series.length < 2) {
    return [chart];
  }
  const extent = new Map<string, number>();
  for (const m of summaries) {
    const key = seriesKey(m.title, m.series);
    if (chart.series.includes(key)) {
      extent.set(key, Math.max(0, Number(m.last_iter ?? m.count ?? 0)));
    }
  }
  const longest = Math.max(...chart.series.map(k => extent.get(k) ?? 0));
  const short = chart.series.filter(k => (extent.get(k) ?? 0) * EXTENT_RATIO < longest);
  if (!short.length || longest < EXTENT_RATIO) {
    return [chart];
  }
  const shortest = Math.max(...short.map(k => extent.get(k) ?? 0));
  return [
    { ...chart, series: chart.series.filter(k => !short.includes(k)) },
    { title: `${chart.title} (iterations 0–${shortest})`, series: short }
  ];
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
