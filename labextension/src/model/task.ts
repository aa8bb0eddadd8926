/**
 * State of one task's view: the task row and, loaded only when their tab is first shown, its
 * parameters, configurations, metric list, plots, debug samples, console, artifacts and models.
 */

import { ISignal, Signal } from '@lumino/signaling';

import { TrackClient } from '../api/client';
import type {
  IArtifact,
  IChange,
  IConfiguration,
  IConfigurationPut,
  IConsoleLine,
  IDebugSample,
  IMetricSummary,
  IModel,
  IParam,
  IPlot,
  ISeries,
  ISingleValue,
  ITask
} from '../api/shapes';
import { chartsFromSummaries, IChartSpec, pointsPerSeries, XAxisKind } from './scalars';

export type TaskPart =
  | 'task'
  | 'parameters'
  | 'configurations'
  | 'metrics'
  | 'singleValues'
  | 'plots'
  | 'debugSamples'
  | 'console'
  | 'artifacts'
  | 'models';

/** The Scalars tab's x axes; the relative one reads times and subtracts the first. */
export type XAxis = XAxisKind;

export interface IChartRequest {
  xAxis: XAxis;
  /** Zoomed x range; the server re-downsamples only that window. */
  range?: [number, number];
}

export class TaskModel {
  constructor(
    readonly client: TrackClient,
    readonly id: string
  ) {}

  get changed(): ISignal<this, TaskPart> {
    return this._changed;
  }

  task: ITask | null = null;
  parameters: IParam[] = [];
  configurations: IConfiguration[] = [];
  metrics: IMetricSummary[] = [];
  singleValues: ISingleValue[] = [];
  plots: IPlot[] = [];
  debugSamples: IDebugSample[] = [];
  console: IConsoleLine[] = [];
  artifacts: IArtifact[] = [];
  models: IModel[] = [];
  consoleTail = 1000;
  consoleSearch = '';
  errors: Partial<Record<TaskPart, string>> = {};

  get charts(): IChartSpec[] {
    return chartsFromSummaries(this.metrics);
  }

  /** A draft's parameters and configuration may be edited (the core's rule; the server enforces it). */
  get editable(): boolean {
    return this.task?.status === 'created';
  }

  /** Load a part (once); `refresh()` re-reads every part loaded so far. */
  async load(part: TaskPart): Promise<void> {
    this._wanted.add(part);
    try {
      switch (part) {
        case 'task':
          this.task = await this.client.task(this.id);
          break;
        case 'parameters':
          this.parameters = await this.client.parameters(this.id);
          break;
        case 'configurations':
          this.configurations = await this.client.configurations(this.id);
          break;
        case 'metrics':
          this.metrics = await this.client.lastMetrics(this.id);
          break;
        case 'singleValues':
          this.singleValues = await this.client.singleValues(this.id);
          break;
        case 'plots':
          this.plots = await this.client.plots(this.id);
          break;
        case 'debugSamples':
          this.debugSamples = await this.client.debugSamples(this.id);
          break;
        case 'console':
          this.console = await this.client.console(this.id, this.consoleTail, this.consoleSearch || undefined);
          break;
        case 'artifacts':
          this.artifacts = await this.client.artifacts(this.id);
          break;
        case 'models':
          this.models = await this.client.taskModels(this.id);
          break;
      }
      delete this.errors[part];
    } catch (error) {
      this.errors[part] = (error as Error).message;
    }
    this._changed.emit(part);
  }

  async refresh(): Promise<void> {
    await Promise.all([...this._wanted].map(p => this.load(p)));
    this._chartEpoch++;
    this._changed.emit('metrics');
  }

  /** Bumped on every refresh so charts know to re-read their points. */
  get chartEpoch(): number {
    return this._chartEpoch;
  }

  /**
   * Points of one chart (one metric title, all its series). Charts queue here in the order they
   * asked, at most two requests on their way at once: the first chart on screen is never slowed
   * by the reads of the ones below it.
   */
  chartData(chart: IChartSpec, request: IChartRequest): Promise<ISeries[]> {
    // The first chart reads alone (a cold server read is the whole wait), then two at a time.
    return this._queue.run(() => this._readChart(chart, request).finally(() => (this._queue.size = 2)));
  }

  private async _readChart(chart: IChartSpec, request: IChartRequest): Promise<ISeries[]> {
    // A zoom asks for four times the points: the server's min/max downsample then shows
    // detail the overview averaged away (spikes survive either way).
    const points = pointsPerSeries(chart.series.length) * (request.range ? 4 : 1);
    return this.client.scalars(this.id, {
      series: chart.series,
      max_points: points,
      x_axis: request.xAxis === 'iter' ? 'iter' : 'timestamp',
      ...(request.range ? { x_min: request.range[0], x_max: request.range[1] } : {})
    });
  }

  setConsoleQuery(tail: number, search: string): Promise<void> {
    this.consoleTail = tail;
    this.consoleSearch = search;
    return this.load('console');
  }

  // ---- edits (drafts) and actions
  async saveParameters(params: IParam[], replace = false): Promise<void> {
    await this.client.setParameters(this.id, params, replace);
    await this.load('parameters');
  }
  async saveConfiguration(config: IConfigurationPut): Promise<void> {
    await this.client.setConfiguration(this.id, config);
    await this.load('configurations');
  }
  async update(change: Partial<ITask>): Promise<void> {
    this.task = await this.client.updateTask(this.id, change);
    this._changed.emit('task');
  }
  async act(action: 'reset' | 'publish' | 'archive' | 'unarchive'): Promise<void> {
    await this.client.action(this.id, action);
    await this.load('task');
  }
  /** A new draft copied from this task; returns it so the caller can open it. */
  clone(name?: string): Promise<ITask> {
    return this.client.clone(this.id, name ? { name } : {});
  }
  async remove(): Promise<void> {
    await this.client.deleteTask(this.id);
  }

  // ---- remote execution
  /** What the Enqueue button offers for the current status (the core's table decides). */
  get enqueueMode(): 'enqueue' | 'clone' | 'none' {
    return enqueueMode(this.task?.status);
  }
  async enqueue(queue?: string): Promise<void> {
    this.task = await this.client.enqueue(this.id, queue);
    this._changed.emit('task');
  }
  /** A draft copied from this (finished) task, sent to `queue`; returns the draft. */
  async cloneAndEnqueue(queue?: string, name?: string): Promise<ITask> {
    const clone = await this.clone(name);
    return this.client.enqueue(clone.id, queue);
  }
  async dequeue(): Promise<void> {
    this.task = await this.client.dequeue(this.id);
    this._changed.emit('task');
  }
  async abort(): Promise<void> {
    this.task = await this.client.abort(this.id);
    this._changed.emit('task');
  }

  /** A change from the feed: re-read when it is about this task, or on a poll. */
  onChange(change: IChange): void {
    if (change.kind === 'poll' || change.id === this.id) {
      if (change.kind === 'poll' && this.task && !isLive(this.task.status)) {
        return; // a finished task does not change by itself; pushes still reach it
      }
      void this.refresh();
    }
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _changed = new Signal<this, TaskPart>(this);
  private _wanted = new Set<TaskPart>();
  private _chartEpoch = 0;
  private _queue = new Limiter(1);
}

/** Runs async jobs in the order given, at most `size` at once. */
export class Limiter {
  constructor(public size: number) {}

  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this._waiting.push(() => job().then(resolve, reject));
      this._next();
    });
  }

  private _next(): void {
    while (this._active < this.size && this._waiting.length) {
      const job = this._waiting.shift() as () => Promise<void>;
      this._active++;
      void job().finally(() => {
        this._active--;
        this._next();
      });
    }
  }

  private _waiting: (() => Promise<void>)[] = [];
  private _active = 0;
}

/**
 * Enqueue is for a task that has not run or was stopped (created, stopped, failed); one that ran
 * to the end (completed, published) is cloned first, as ClearML's UI does; others cannot go.
 */
export function enqueueMode(status: string | undefined): 'enqueue' | 'clone' | 'none' {
  if (status === 'created' || status === 'stopped' || status === 'failed') {
    return 'enqueue';
  }
  if (status === 'completed' || status === 'published' || status === 'closed') {
    return 'clone';
  }
  return 'none';
}

export function isLive(status: string): boolean {
  return status === 'in_progress' || status === 'queued';
}
