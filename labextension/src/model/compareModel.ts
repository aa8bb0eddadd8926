/** State of one comparison: its tasks (added and removed while open), which are drawn, their data. */

import { PromiseDelegate } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import type { TrackClient } from '../api/client';
import type { IDebugSample, IMetricSummary, IParam, IPlot, ISeries, ITask } from '../api/shapes';
import { initiallyShown, paramDiff, taskColor } from './compare';
import { chartsFromSummaries, IChartSpec, pointsPerSeries, XAxisKind } from './scalars';
import { Limiter } from './task';

/** The most tasks one comparison holds (the server's limit for one request). */
export const MAX_COMPARED = 100;

export interface ICompareTask {
  task: ITask;
  params: IParam[];
  metrics: IMetricSummary[];
}

export type CompareChange = 'tasks' | 'shown' | 'plots' | 'samples';

export class CompareModel {
  constructor(
    readonly client: TrackClient,
    ids: string[]
  ) {
    this._ids = dedupe(ids).slice(0, MAX_COMPARED);
    this._shown = new Set(initiallyShown(this._ids));
  }

  get changed(): ISignal<this, CompareChange> {
    return this._changed;
  }
  /** Every task compared, in the order they were given. */
  get ids(): string[] {
    return this._ids;
  }
  /** The tasks drawn in the overlays (the first ten at first; the rest are picked from a list). */
  get shownIds(): string[] {
    return this._ids.filter(id => this._shown.has(id));
  }
  isShown(id: string): boolean {
    return this._shown.has(id);
  }
  /** A task's colour: fixed by its place in the comparison, the same in every chart. */
  color(id: string): string {
    return taskColor(Math.max(0, this._ids.indexOf(id)));
  }
  /** The loaded tasks, in order (a task still loading is absent). */
  get tasks(): ICompareTask[] {
    return this._ids.map(id => this._data.get(id)).filter((t): t is ICompareTask => !!t);
  }
  /**
   * Settles once the first chart's points came (or there is no chart to wait for): the
   * parameter overview draws after it, so its WebGL parcoords never delays the first chart.
   */
  get firstChart(): Promise<void> {
    return this._firstChart.promise;
  }

  get error(): string {
    return this._error;
  }
  get loaded(): boolean {
    return this._ids.every(id => this._data.has(id) || this._failed.has(id));
  }

  /** Load what is not loaded yet: each task, its parameters and its metrics' summaries. */
  async load(): Promise<void> {
    const missing = this._ids.filter(id => !this._data.has(id));
    const limiter = new Limiter(6);
    await Promise.all(
      missing.map(id =>
        limiter.run(async () => {
          try {
            const [task, params, metrics] = await Promise.all([
              this.client.task(id),
              this.client.parameters(id),
              this.client.lastMetrics(id)
            ]);
            this._data.set(id, { task, params, metrics });
            this._failed.delete(id);
          } catch (e) {
            this._failed.add(id);
            this._error = `task ${id}: ${(e as Error).message}`;
          }
        })
      )
    );
    this._changed.emit('tasks');
    if (!this.charts.length) {
      this._firstChart.resolve();
    }
  }

  /** Add tasks to the comparison (drawn at once while fewer than ten are drawn). */
  async add(ids: string[]): Promise<void> {
    const fresh = dedupe(ids).filter(id => !this._ids.includes(id));
    const room = MAX_COMPARED - this._ids.length;
    if (fresh.length > room) {
      this._error = `a comparison holds at most ${MAX_COMPARED} tasks; ${fresh.length - room} not added`;
    }
    for (const id of fresh.slice(0, Math.max(0, room))) {
      this._ids.push(id);
      if (this._shown.size < 10) {
        this._shown.add(id);
      }
    }
    this._changed.emit('tasks');
    await this.load();
  }

  remove(id: string): void {
    this._ids = this._ids.filter(i => i !== id);
    this._shown.delete(id);
    this._data.delete(id);
    this._plots.delete(id);
    this._samples.delete(id);
    this._changed.emit('tasks');
  }

  setShown(id: string, shown: boolean): void {
    if (shown) {
      this._shown.add(id);
    } else {
      this._shown.delete(id);
    }
    this._changed.emit('shown');
  }

  /** The parameter diff of every task (parallel coordinates show all, not only the drawn ones). */
  get diff(): ReturnType<typeof paramDiff> {
    return paramDiff(this.tasks.map(t => t.params));
  }

  /** One chart per metric title over the drawn tasks (monitor charts last, one per unit). */
  get charts(): IChartSpec[] {
    const seen = new Set<string>();
    const summaries: IMetricSummary[] = [];
    for (const t of this.tasks) {
      if (!this._shown.has(t.task.id)) {
        continue;
      }
      for (const m of t.metrics) {
        const key = `${m.title}/${m.series}`;
        if (!seen.has(key)) {
          seen.add(key);
          summaries.push(m);
        }
      }
    }
    return chartsFromSummaries(summaries);
  }

  /**
   * The points of one chart for every drawn task: ONE request (`GET scalars?tasks=…&metrics=…`),
   * downsampled by the server to about 10,000 points for the whole chart. Charts queue, two at
   * a time, the first alone.
   */
  chartData(chart: IChartSpec, xAxis: XAxisKind): Promise<Map<string, ISeries[]>> {
    const ids = this.shownIds;
    const points = pointsPerSeries(chart.series.length * Math.max(1, ids.length));
    return this._charts.run(async () => {
      try {
        const answer = await this.client.compareScalars(ids, {
          metrics: chart.series,
          max_points: points,
          x_axis: xAxis === 'iter' ? 'iter' : 'timestamp'
        });
        return new Map(Object.entries(answer));
      } finally {
        this._charts.size = 2;
        // After the chart's own frame is drawn.
        setTimeout(() => this._firstChart.resolve(), 0);
      }
    });
  }

  /** Plots of a task, read once. */
  plots(id: string): IPlot[] | undefined {
    return this._plots.get(id);
  }
  samples(id: string): IDebugSample[] | undefined {
    return this._samples.get(id);
  }
  async loadPlots(): Promise<void> {
    await Promise.all(
      this.shownIds
        .filter(id => !this._plots.has(id))
        .map(async id => this._plots.set(id, await this.client.plots(id).catch(() => [])))
    );
    this._changed.emit('plots');
  }
  async loadSamples(): Promise<void> {
    await Promise.all(
      this.shownIds
        .filter(id => !this._samples.has(id))
        .map(async id => this._samples.set(id, await this.client.debugSamples(id).catch(() => [])))
    );
    this._changed.emit('samples');
  }

  private _ids: string[];
  private _shown: Set<string>;
  private _data = new Map<string, ICompareTask>();
  private _failed = new Set<string>();
  private _plots = new Map<string, IPlot[]>();
  private _samples = new Map<string, IDebugSample[]>();
  private _error = '';
  private _charts = new Limiter(1);
  private _firstChart = new PromiseDelegate<void>();
  private _changed = new Signal<this, CompareChange>(this);
}

function dedupe(ids: string[]): string[] {
  return [...new Set(ids.filter(Boolean))];
}
