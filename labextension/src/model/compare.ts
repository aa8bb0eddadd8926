/** Pure helpers of the compare view: parameter diff and single-values table. */

import type { IParam, ISingleValue } from '../api/shapes';

export interface IDiffRow {
  key: string;
  /** One cell per task, in the order of the tasks compared; undefined = task lacks the key. */
  values: (string | undefined)[];
  differs: boolean;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** Rows of `section/name` for the union of all tasks' parameters, flagged when they differ. */
export function paramDiff(perTask: Pick<IParam, 'section' | 'name' | 'value'>[][]): IDiffRow[] {
  const keys = new Set<string>();
  const maps = perTask.map(params => {
    const map = new Map<string, string>();
    for (const p of params) {
      const key = `${p.section}/${p.name}`;
      keys.add(key);
      map.set(key, formatValue(p.value));
    }
    return map;
  });
  return [...keys].sort().map(key => {
    const values = maps.map(m => m.get(key));
    return { key, values, differs: new Set(values).size > 1 };
  });
}

/** Single values (e.g. "Best ROC AUC") of each task side by side. */
export function singleValueTable(perTask: ISingleValue[][]): IDiffRow[] {
  return paramDiff(perTask.map(values => values.map(v => ({ section: 'single', name: v.name, value: v.value })))).map(
    row => ({ ...row, key: row.key.slice('single/'.length) })
  );
}

// ---- colours and line styles: one colour per task everywhere, one dash per series

/** Ten colours told apart in light and dark themes (Tableau 10); tasks past ten get hues apart. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac'
];

export function taskColor(index: number): string {
  return index < PALETTE.length ? PALETTE[index] : `hsl(${(index * 137.508) % 360}, 60%, 52%)`;
}

const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];

/** The dash of a series, by its place among the chart's series names (the same in every task). */
export function seriesDash(seriesNames: string[], name: string): string {
  const i = seriesNames.indexOf(name);
  return DASHES[(i < 0 ? 0 : i) % DASHES.length];
}

/** Past this many tasks, the rest are collapsed: listed, drawn only when picked. */
export const SHOWN_AT_FIRST = 10;

/** The ids drawn at first: the first ten. */
export function initiallyShown(ids: string[]): string[] {
  return ids.slice(0, SHOWN_AT_FIRST);
}

// ---- parallel coordinates and scatter

/** A metric as the compare view reads it: `title/series` and which of its summaries. */
export type MetricValue = 'last' | 'min' | 'max';

export interface IMetricOfTask {
  title: string;
  series: string;
  last_value?: number | null;
  min_value?: number | null;
  max_value?: number | null;
}

export function metricKey(m: { title: string; series: string }): string {
  return `${m.title}/${m.series}`;
}

/** The value of `key` (a `title/series`) of one task's metric summaries. */
export function metricOf(metrics: IMetricOfTask[], key: string, which: MetricValue): number | null {
  const m = metrics.find(s => metricKey(s) === key);
  const v = m ? m[`${which}_value`] : null;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Every metric key of the tasks, user metrics first, in the order first seen. */
export function metricKeys(perTask: IMetricOfTask[][]): string[] {
  const keys = new Set<string>();
  for (const metrics of perTask) {
    for (const m of metrics) {
      keys.add(metricKey(m));
    }
  }
  const all = [...keys];
  return [...all.filter(k => !k.startsWith(':monitor:')), ...all.filter(k => k.startsWith(':monitor:'))];
}

export interface IDimension {
  label: string;
  values: number[];
  /** Categorical parameters: the names of the ticks 0, 1, 2, ... */
  ticktext?: string[];
  tickvals?: number[];
}

/** A parameter's values as numbers: as they are when all are numbers, else categories by name. */
export function dimensionOf(label: string, raw: (string | undefined)[]): IDimension {
  const present = raw.filter((v): v is string => v !== undefined && v !== '');
  const numeric = present.length > 0 && present.every(v => v.trim() !== '' && Number.isFinite(Number(v)));
  if (numeric) {
    return { label, values: raw.map(v => (v === undefined || v === '' ? NaN : Number(v))) };
  }
  const names = [...new Set(raw.map(v => v ?? '—'))].sort();
  return {
    label,
    values: raw.map(v => names.indexOf(v ?? '—')),
    tickvals: names.map((_, i) => i),
    ticktext: names
  };
}

/** The axes of the parallel coordinates: the parameters that differ, then the metric. */
export function parcoordsDimensions(
  diff: IDiffRow[],
  metric: { label: string; values: (number | null)[] } | null,
  maxParams = 30
): IDimension[] {
  const dims = diff
    .filter(r => r.differs)
    .slice(0, maxParams)
    .map(r => dimensionOf(r.key, r.values));
  if (metric) {
    dims.push({ label: metric.label, values: metric.values.map(v => (v === null ? NaN : v)) });
  }
  return dims;
}

/** The plotly parcoords trace: lines coloured by task (≤ 100 tasks) or by the metric's value. */
export function parcoordsTrace(dims: IDimension[], colors: string[], metricValues?: (number | null)[]): unknown {
  const n = colors.length;
  const byTask = n <= 100 || !metricValues;
  const line = byTask
    ? {
        color: colors.map((_, i) => i),
        colorscale:
          n <= 1
            ? [
                [0, colors[0] ?? '#4e79a7'],
                [1, colors[0] ?? '#4e79a7']
              ]
            : colors.map((c, i) => [i / (n - 1), c]),
        cmin: 0,
        cmax: Math.max(1, n - 1)
      }
    : { color: metricValues.map(v => (v === null ? NaN : v)), colorscale: 'Viridis', showscale: true };
  return {
    type: 'parcoords',
    line,
    dimensions: dims.map(d => ({
      label: d.label.length > 28 ? `…${d.label.slice(-27)}` : d.label,
      values: d.values,
      ...(d.tickvals ? { tickvals: d.tickvals, ticktext: d.ticktext } : {})
    }))
  };
}

// ---- execution diff

/** What is compared of each task's execution, as [label, value] rows. */
export function executionRows(
  tasks: { script?: Record<string, unknown>; runtime?: Record<string, unknown> }[]
): IDiffRow[] {
  const text = (v: unknown): string | undefined =>
    v === undefined || v === null || v === '' ? undefined : typeof v === 'string' ? v : JSON.stringify(v, null, 1);
  const fields: [string, (t: (typeof tasks)[number]) => unknown][] = [
    ['repository', t => t.script?.repository],
    ['branch', t => t.script?.branch],
    ['commit', t => t.script?.version_num],
    ['entry point', t => t.script?.entry_point],
    ['working dir', t => t.script?.working_dir],
    ['arguments', t => t.script?.arguments ?? t.script?.args],
    ['python', t => t.script?.binary],
    ['environment', t => t.script?.environment ?? t.runtime?.environment],
    ['uncommitted changes', t => t.script?.diff],
    ['installed packages', t => requirementsText(t.script?.requirements)]
  ];
  return fields.map(([key, read]) => {
    const values = tasks.map(t => text(read(t)));
    return { key, values, differs: new Set(values).size > 1 };
  });
}

/** Requirements as lines, whatever shape they were stored in (`{pip: "..."}`, a string, a list). */
export function requirementsText(req: unknown): string | undefined {
  if (req === undefined || req === null || req === '') {
    return undefined;
  }
  if (typeof req === 'string') {
    return req;
  }
  if (Array.isArray(req)) {
    return req.map(String).join('\n');
  }
  if (typeof req === 'object') {
    const r = req as Record<string, unknown>;
    const pip = r.pip ?? r.requirements ?? r.packages;
    if (pip !== undefined) {
      return requirementsText(pip);
    }
    return JSON.stringify(req, null, 1);
  }
  return String(req);
}

/** Lines of `other` not in `base` (+) and of `base` not in `other` (−): a set diff of requirements. */
export function lineDiff(base: string | undefined, other: string | undefined): { added: string[]; removed: string[] } {
  const a = new Set(
    (base ?? '')
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
  );
  const b = new Set(
    (other ?? '')
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean)
  );
  return { added: [...b].filter(l => !a.has(l)), removed: [...a].filter(l => !b.has(l)) };
}
