/**
 * One model of the registry as its details view shows it: the model, its versions and its own
 * reported metrics, re-read when the server announces a change to it. Plus the pure shaping
 * (metadata rows, label rows, weights addresses, metric charts) the view draws from.
 */

import { ISignal, Signal } from '@lumino/signaling';

import type { TrackClient } from '../api/client';
import { TrackApiError } from '../api/transport';
import type { IChange, IModel, IModelMetadataEntry, IModelMetrics, IModelScalar, IModelVersion } from '../api/shapes';
import { formatBytes, formatNumber } from './format';

export interface IMetadataRow {
  key: string;
  type: string;
  value: string;
}

/** Metadata entries as table rows, by key; values printed as the SDK would give them back. */
export function metadataRows(
  metadata: Record<string, IModelMetadataEntry | unknown> | undefined | null
): IMetadataRow[] {
  return Object.entries(metadata ?? {})
    .map(([key, entry]) => {
      // ClearML's {key, type, value} form; a bare value (an older row) reads as its own type.
      const typed = entry !== null && typeof entry === 'object' && 'value' in (entry as object);
      const value = typed ? (entry as IModelMetadataEntry).value : entry;
      const type = typed ? String((entry as IModelMetadataEntry).type ?? '') : typeof value;
      return { key, type, value: typeof value === 'string' ? value : formatNumber(value) };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

export interface ILabelRow {
  label: string;
  id: number;
}

/** The label enumeration as rows in id order (a class index reads top to bottom). */
export function labelRows(labels: Record<string, number> | undefined | null): ILabelRow[] {
  return Object.entries(labels ?? {})
    .map(([label, id]) => ({ label, id: Number(id) }))
    .sort((a, b) => a.id - b.id || a.label.localeCompare(b.label));
}

export interface IWeightsAddress {
  /** The address to show and copy: the registered URL or where the stored bytes live ('' when
   * the bytes are in the server's own store, which only the server can name). */
  url: string;
  /** Bytes in the server's own store, which it streams (`GET blobs/{sha256}`): a download link. */
  sha256: string | null;
}

/**
 * Where a version's weights are, in the SDK's own form (`OutputModel.url`): a registered URL
 * as given; stored bytes under their store's root at `sha256/<2>/<sha>` (the blob layout).
 */
export function weightsAddress(weights: IModelVersion | null | undefined): IWeightsAddress {
  if (!weights) {
    return { url: '', sha256: null };
  }
  if (weights.url) {
    return { url: String(weights.url), sha256: null };
  }
  const sha = weights.blob_sha256 ? String(weights.blob_sha256) : null;
  if (!sha) {
    return { url: '', sha256: null };
  }
  const root = String(weights.location ?? '').replace(/\/+$/, '');
  const rel = `sha256/${sha.slice(0, 2)}/${sha}`;
  if (!root) {
    return { url: '', sha256: sha };
  }
  // Another store (a folder, s3://…): the server streams only its own, so no download link.
  if (root.includes('://')) {
    return { url: `${root}/${rel}`, sha256: null };
  }
  return { url: root.startsWith('/') ? `file://${root}/${rel}` : '', sha256: null };
}

/** An address safe to hand out: the browser's blob URL without the page's token. */
export function withoutToken(url: string): string {
  return url
    .replace(/([?&])token=[^&#]*(&?)/, (_, sep: string, more: string) => (more ? sep : ''))
    .replace(/[?&]$/, '');
}

export interface IMetricChart {
  title: string;
  /** Plotly traces, one per series, in the server's (series) order. */
  traces: { type: string; mode: string; name: string; x: number[]; y: (number | null)[] }[];
}

/** One chart per title with a line per series; a series of a few points also shows markers. */
export function metricCharts(scalars: IModelScalar[] | undefined | null): IMetricChart[] {
  const byTitle = new Map<string, IMetricChart>();
  for (const s of scalars ?? []) {
    let chart = byTitle.get(s.title);
    if (!chart) {
      chart = { title: s.title, traces: [] };
      byTitle.set(s.title, chart);
    }
    const n = Math.min(s.iterations.length, s.values.length);
    chart.traces.push({
      type: 'scatter',
      mode: n <= 20 ? 'lines+markers' : 'lines',
      name: s.series,
      x: s.iterations.slice(0, n),
      y: s.values.slice(0, n)
    });
  }
  return [...byTitle.values()];
}

/** Plotly layout of a metric chart: iterations are whole numbers, so a short run gets a tick
 * per iteration instead of 1.5, 2.5. */
export function metricLayout(chart: IMetricChart): Record<string, unknown> {
  const xs = chart.traces.flatMap(t => t.x);
  const span = xs.length ? Math.max(...xs) - Math.min(...xs) : 0;
  return { title: { text: chart.title, font: { size: 13 } }, xaxis: span <= 10 ? { dtick: 1 } : { tickformat: 'd' } };
}

/**
 * The size of a version's weights: stored bytes have one; weights registered only by URL were
 * never read here, so their size is unknown (not "0 B").
 */
export function weightsSize(w: Pick<IModelVersion, 'size' | 'blob_sha256' | 'url'> | null | undefined): string {
  if (!w) {
    return '';
  }
  if (!w.blob_sha256 && w.url && !w.size) {
    return 'unknown';
  }
  return formatBytes(w.size ?? 0);
}

/** A stored metadata entry as the value to send back (numbers as numbers, booleans as booleans). */
export function metadataValue(entry: unknown): unknown {
  if (entry === null || typeof entry !== 'object' || !('value' in (entry as object))) {
    return entry;
  }
  const { value, type } = entry as IModelMetadataEntry;
  const t = String(type ?? '').toLowerCase();
  if (
    (t === 'int' || t === 'float') &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    Number.isFinite(Number(value))
  ) {
    return Number(value);
  }
  if (t === 'bool' && typeof value === 'string') {
    return value.toLowerCase() === 'true';
  }
  return value;
}

/** A value typed in a metadata field: a number or boolean when it reads as one, else the text. */
export function parseMetadataInput(text: string): unknown {
  const t = text.trim();
  if (t === 'true' || t === 'false') {
    return t === 'true';
  }
  if (t !== '' && Number.isFinite(Number(t))) {
    return Number(t);
  }
  return text;
}

/** Versions newest first (the one in use on top). */
export function versionRows(versions: IModelVersion[] | undefined | null): IModelVersion[] {
  return [...(versions ?? [])].sort((a, b) => b.version - a.version);
}

/** A 404 of the metrics route: no metrics to show, not an error (a server without the route, too). */
export function isNotFound(error: unknown): boolean {
  return error instanceof TrackApiError && error.status === 404;
}

export type ModelPart = 'details' | 'versions' | 'metrics';

export const NO_METRICS: IModelMetrics = { scalars: [], single_values: [], plots: [] };

/** The state of one model's details view. `changed` fires after every (re-)read. */
export class ModelDetailsModel {
  constructor(
    readonly client: TrackClient,
    readonly id: string,
    /** Milliseconds to gather a burst of changes into one re-read. */
    readonly debounce = 250
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  model: IModel | null = null;
  versions: IModelVersion[] = [];
  metrics: IModelMetrics = NO_METRICS;
  errors: Partial<Record<ModelPart, string>> = {};
  /** The name of the model it was trained from (null: none, or not readable). */
  parentName: string | null = null;
  /** The name of the task that made it (null: none, or not readable). */
  taskName: string | null = null;
  /** The model was deleted (the server said so, or it is not there any more). */
  gone = false;
  loaded = false;

  /** Read the model, its versions and its metrics (in parallel; each part fails on its own). */
  async load(): Promise<void> {
    const [model, versions, metrics] = await Promise.allSettled([
      this.client.model(this.id),
      this.client.modelVersions(this.id),
      this.client.modelMetrics(this.id)
    ]);
    const errors: Partial<Record<ModelPart, string>> = {};
    if (model.status === 'fulfilled') {
      [this.parentName, this.taskName] = await Promise.all([
        this._parentName(model.value),
        this._taskName(model.value)
      ]);
      this.model = model.value;
    } else {
      errors.details = (model.reason as Error).message;
      this.gone = isNotFound(model.reason);
    }
    if (versions.status === 'fulfilled') {
      this.versions = versions.value;
    } else if (model.status === 'fulfilled') {
      errors.versions = (versions.reason as Error).message;
    }
    if (metrics.status === 'fulfilled') {
      this.metrics = metrics.value;
    } else if (isNotFound(metrics.reason)) {
      this.metrics = NO_METRICS;
    } else {
      errors.metrics = (metrics.reason as Error).message;
    }
    this.errors = errors;
    this.loaded = true;
    this._changed.emit();
  }

  /** A change announced for this model (or a poll) re-reads; others are not ours. */
  onChange(change: IChange): void {
    if (change.kind === 'model' && change.id === this.id && change.deleted) {
      this.gone = true;
      this._changed.emit();
      return;
    }
    const mine = change.kind === 'model' && change.id === this.id;
    if ((mine || change.kind === 'poll') && this._timer === null && !this._disposed) {
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.load();
      }, this.debounce);
    }
  }

  private async _parentName(model: IModel): Promise<string | null> {
    if (!model.parent_id) {
      return null;
    }
    if (this.model?.parent_id === model.parent_id && this.parentName !== null) {
      // read once
      return this.parentName;
    }
    try {
      return (await this.client.model(model.parent_id)).name;
    } catch {
      return null; // a parent since deleted: its id still says which it was
    }
  }

  private async _taskName(model: IModel): Promise<string | null> {
    if (!model.task_id) {
      return null;
    }
    if (this.model?.task_id === model.task_id && this.taskName !== null) {
      return this.taskName;
    }
    try {
      return (await this.client.task(model.task_id)).name;
    } catch {
      return null; // a task since deleted: its id still says which it was
    }
  }

  // ---- actions (the server applies the SDK's rules: a published model is final)
  async rename(name: string): Promise<void> {
    this.model = await this.client.updateModel(this.id, { name });
    this._changed.emit();
  }
  async describe(comment: string): Promise<void> {
    this.model = await this.client.updateModel(this.id, { comment });
    this._changed.emit();
  }
  async setTags(tags: string[]): Promise<void> {
    this.model = await this.client.updateModel(this.id, { tags });
    this._changed.emit();
  }
  async publish(): Promise<void> {
    this.model = await this.client.publishModel(this.id);
    this._changed.emit();
  }
  async archive(archived: boolean): Promise<void> {
    this.model = await this.client.archiveModel(this.id, archived);
    this._changed.emit();
  }
  async remove(): Promise<void> {
    await this.client.deleteModel(this.id);
    this.gone = true;
    this._changed.emit();
  }
  /** Set one metadata key (typed from its text), or delete it (`value` null). */
  async setMetadata(key: string, value: unknown | null): Promise<void> {
    if (value !== null) {
      this.model = await this.client.setModelMetadata(this.id, { [key]: value });
    } else {
      const rest: Record<string, unknown> = {};
      for (const [k, entry] of Object.entries(this.model?.metadata ?? {})) {
        if (k !== key) {
          rest[k] = metadataValue(entry);
        }
      }
      this.model = await this.client.setModelMetadata(this.id, rest, true);
    }
    this._changed.emit();
  }

  dispose(): void {
    this._disposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    Signal.clearData(this);
  }

  private _changed = new Signal<this, void>(this);
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _disposed = false;
}
