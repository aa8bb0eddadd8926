/**
 * The server's answers in the shapes the views use. Pure functions, unit-tested: the REST
 * API groups some results by key (`{title: {series: {x, y}}}`), the views want lists.
 */

import type { IArtifact, IDebugSample, IMetricSummary, IModel, IPlot, IProject, ISeries, ISingleValue } from './shapes';

type Nested<T> = Record<string, Record<string, T>>;

/** `{title: {series: {x, y}}}` → a flat list of series, titles and series in the server's order. */
export function seriesList(answer: Nested<{ x: number[]; y: (number | null)[] }> | { series?: ISeries[] }): ISeries[] {
  if (Array.isArray((answer as { series?: ISeries[] }).series)) {
    return (answer as { series: ISeries[] }).series;
  }
  const out: ISeries[] = [];
  for (const [title, bySeries] of Object.entries(answer as Nested<{ x: number[]; y: (number | null)[] }>)) {
    for (const [series, xy] of Object.entries(bySeries ?? {})) {
      out.push({ title, series, x: xy.x ?? [], y: xy.y ?? [] });
    }
  }
  return out;
}

/** `{title: {series: {last, min, max, count, last_iteration}}}` → summaries. */
export function metricList(answer: unknown): IMetricSummary[] {
  if (Array.isArray(answer)) {
    return answer as IMetricSummary[];
  }
  const items = (answer as { items?: IMetricSummary[] }).items;
  if (Array.isArray(items)) {
    return items;
  }
  const out: IMetricSummary[] = [];
  for (const [title, bySeries] of Object.entries((answer ?? {}) as Nested<Record<string, number | null>>)) {
    for (const [series, m] of Object.entries(bySeries ?? {})) {
      out.push({
        title,
        series,
        count: m.count ?? undefined,
        last_value: m.last ?? null,
        min_value: m.min ?? null,
        max_value: m.max ?? null,
        last_iter: m.last_iteration ?? null
      });
    }
  }
  return out;
}

/** `{name: value}` → a list sorted by name. */
export function singleValueList(answer: unknown): ISingleValue[] {
  if (Array.isArray(answer)) {
    return answer as ISingleValue[];
  }
  const items = (answer as { items?: ISingleValue[] }).items;
  if (Array.isArray(items)) {
    return items;
  }
  return Object.entries((answer ?? {}) as Record<string, number | null>)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A plot's figure arrives as plotly JSON text; parse it once here. */
export function plotOut(plot: IPlot): IPlot {
  const figure = plot.figure as unknown;
  if (typeof figure === 'string') {
    try {
      return { ...plot, figure: JSON.parse(figure) };
    } catch {
      return { ...plot, figure: { data: [], layout: { title: { text: 'unreadable figure' } } } };
    }
  }
  return plot;
}

export function sampleOut(sample: IDebugSample): IDebugSample {
  return { ...sample, sha256: sample.sha256 ?? sample.blob_sha256 ?? undefined };
}

export function artifactOut(artifact: IArtifact): IArtifact {
  let metadata = artifact.metadata;
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      metadata = {};
    }
  }
  return { ...artifact, metadata, sha256: artifact.sha256 ?? artifact.blob_sha256 ?? undefined };
}

/** `{input: [...], output: [...]}` → one list, each model with its role. */
export function taskModelList(answer: unknown): IModel[] {
  if (Array.isArray(answer)) {
    return answer as IModel[];
  }
  const items = (answer as { items?: IModel[] }).items;
  if (Array.isArray(items)) {
    return items;
  }
  const out: IModel[] = [];
  for (const [role, models] of Object.entries((answer ?? {}) as Record<string, IModel[]>)) {
    for (const m of Array.isArray(models) ? models : []) {
      out.push({ ...m, role });
    }
  }
  return out;
}

/** A project is internal when a component of its path starts with a dot (`x/.datasets/y`). */
export function projectOut(project: IProject): IProject {
  const path = project.path || project.name;
  return { ...project, path, hidden: project.hidden ?? path.split('/').some(part => part.startsWith('.')) };
}
