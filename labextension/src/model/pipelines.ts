/**
 * Pipelines: the list of runs, one run's DAG, and the DAG's layout in levels (a step sits one
 * level right of its deepest parent), drawn by the view as SVG.
 */

import { ISignal, Signal } from '@lumino/signaling';

import { TrackClient } from '../api/client';
import type { IChange, IPipeline, IPipelineNode, IPipelineRun } from '../api/shapes';
import { parseTime } from './format';

export const NODE_W = 170;
export const NODE_H = 46;
export const GAP_X = 60;
export const GAP_Y = 18;
export const MARGIN = 16;

export interface IPlacedNode {
  node: IPipelineNode;
  level: number;
  row: number;
  x: number;
  y: number;
}

export interface IDagLayout {
  nodes: IPlacedNode[];
  edges: { from: IPlacedNode; to: IPlacedNode }[];
  width: number;
  height: number;
  levels: number;
}

/** Level of every node: 0 for roots, else 1 + the deepest parent. A cycle is cut where found. */
export function dagLevels(names: readonly string[], edges: readonly [string, string][]): Map<string, number> {
  const parents = new Map<string, string[]>(names.map(n => [n, []]));
  for (const [a, b] of edges) {
    if (parents.has(a) && parents.has(b) && a !== b) {
      (parents.get(b) as string[]).push(a);
    }
  }
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (n: string): number => {
    const known = level.get(n);
    if (known !== undefined) {
      return known;
    }
    if (visiting.has(n)) {
      return -1; // back edge of a cycle: ignored
    }
    visiting.add(n);
    let depth = 0;
    for (const p of parents.get(n) ?? []) {
      depth = Math.max(depth, visit(p) + 1);
    }
    visiting.delete(n);
    level.set(n, depth);
    return depth;
  };
  names.forEach(visit);
  return level;
}

/**
 * Place nodes in columns by level; inside a column, order by the mean row of the parents (fewer
 * crossings), ties in the order the steps were defined, so the same DAG always draws the same.
 */
export function layoutDag(nodes: readonly IPipelineNode[], edgeList?: readonly [string, string][]): IDagLayout {
  const edges = edgeList ?? edgesFromParents(nodes);
  const names = nodes.map(n => n.name);
  const levels = dagLevels(names, edges);
  const byLevel = new Map<number, IPipelineNode[]>();
  for (const n of nodes) {
    const l = levels.get(n.name) ?? 0;
    byLevel.set(l, [...(byLevel.get(l) ?? []), n]);
  }
  const rowOf = new Map<string, number>();
  const order = new Map(nodes.map((n, i) => [n.name, i]));
  const parentsOf = (name: string) => edges.filter(([, b]) => b === name).map(([a]) => a);
  const placed: IPlacedNode[] = [];
  const levelCount = byLevel.size ? Math.max(...byLevel.keys()) + 1 : 0;
  let maxRows = 0;
  for (let l = 0; l < levelCount; l++) {
    const column = [...(byLevel.get(l) ?? [])];
    const weight = (n: IPipelineNode) => {
      const rows = parentsOf(n.name)
        .map(p => rowOf.get(p))
        .filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((s, r) => s + r, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    column.sort((a, b) => weight(a) - weight(b) || order.get(a.name)! - order.get(b.name)!);
    column.forEach((n, row) => {
      rowOf.set(n.name, row);
      placed.push({ node: n, level: l, row, x: MARGIN + l * (NODE_W + GAP_X), y: MARGIN + row * (NODE_H + GAP_Y) });
    });
    maxRows = Math.max(maxRows, column.length);
  }
  const at = new Map(placed.map(p => [p.node.name, p]));
  const drawn = edges
    .map(([a, b]) => ({ from: at.get(a), to: at.get(b) }))
    .filter((e): e is { from: IPlacedNode; to: IPlacedNode } => !!e.from && !!e.to && e.from !== e.to);
  return {
    nodes: placed,
    edges: drawn,
    levels: levelCount,
    width: MARGIN * 2 + Math.max(0, levelCount * (NODE_W + GAP_X) - GAP_X),
    height: MARGIN * 2 + Math.max(0, maxRows * (NODE_H + GAP_Y) - GAP_Y)
  };
}

/** Edges from each node's `parents`, for a server that sends no edge list. */
export function edgesFromParents(nodes: readonly IPipelineNode[]): [string, string][] {
  return nodes.flatMap(n => (n.parents ?? []).map(p => [p, n.name] as [string, string]));
}

/** The status a node is drawn with: its step task's, or `pending` before the task exists. */
export function nodeStatus(node: IPipelineNode): string {
  return node.status || (node.task_id ? 'created' : 'pending');
}

export function nodeDuration(node: IPipelineNode, now: number = Date.now()): number | null {
  const start = parseTime(node.started);
  if (start === null) {
    return typeof node.duration === 'number' ? node.duration * 1000 : null;
  }
  const end = parseTime(node.completed) ?? (node.status === 'in_progress' ? now : parseTime(node.last_update));
  return end === null ? null : Math.max(0, end - start);
}

const FINISHED = new Set(['completed', 'published', 'failed', 'stopped', 'closed', 'skipped', 'cached']);

/** `[done, total]` steps of a run. */
export function stepProgress(run: IPipelineRun): [number, number] {
  const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
  const done = Object.entries(run.step_status ?? {}).reduce(
    (s, [status, n]) => s + (FINISHED.has(status) ? count(n) : 0),
    0
  );
  return [done, count(run.steps)];
}

/** A run's bar: the share of its steps per outcome, so a failed run never reads as all green. */
export interface IProgressPart {
  kind: 'completed' | 'failed' | 'stopped' | 'running';
  fraction: number;
}

export function progressParts(run: IPipelineRun): IProgressPart[] {
  const total = typeof run.steps === 'number' && run.steps > 0 ? run.steps : 0;
  if (!total) {
    return [];
  }
  const sums: Record<IProgressPart['kind'], number> = { completed: 0, failed: 0, stopped: 0, running: 0 };
  for (const [status, n] of Object.entries(run.step_status ?? {})) {
    const count = typeof n === 'number' && Number.isFinite(n) ? n : 0;
    if (status === 'completed' || status === 'published' || status === 'cached' || status === 'closed') {
      sums.completed += count;
    } else if (status === 'failed') {
      sums.failed += count;
    } else if (status === 'stopped' || status === 'skipped' || status === 'aborted') {
      sums.stopped += count;
    } else if (status === 'in_progress' || status === 'queued') {
      sums.running += count;
    }
  }
  return (['completed', 'failed', 'stopped', 'running'] as const)
    .filter(kind => sums[kind] > 0)
    .map(kind => ({ kind, fraction: Math.min(1, sums[kind] / total) }));
}

export function isRunning(status: string | undefined): boolean {
  return status === 'in_progress' || status === 'queued';
}

/** The Pipelines panel's list of runs. */
export class PipelinesModel {
  constructor(readonly client: TrackClient) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  runs: IPipelineRun[] = [];
  error = '';
  loaded = false;

  async refresh(): Promise<void> {
    try {
      this.runs = await this.client.pipelines({ limit: 500 });
      this.error = '';
      this.loaded = true;
    } catch (error) {
      this.error = (error as Error).message;
    }
    this._changed.emit();
  }

  /** Task changes may be a run or one of its steps: re-read, once per burst. */
  onChange(change: IChange): void {
    if (change.kind !== 'task' && change.kind !== 'poll') {
      return;
    }
    if (this._timer === null) {
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.refresh();
      }, 400);
    }
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  private _changed = new Signal<this, void>(this);
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

/** One run's DAG with live step statuses. */
export class PipelineModel {
  constructor(
    readonly client: TrackClient,
    readonly id: string
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  pipeline: IPipeline | null = null;
  error = '';

  get layout(): IDagLayout {
    const p = this.pipeline;
    return layoutDag(p?.nodes ?? [], p ? (p.edges?.length ? p.edges : edgesFromParents(p.nodes)) : []);
  }

  /** Is anything still to happen (the run or a step)? */
  get live(): boolean {
    const p = this.pipeline;
    return !p || isRunning(p.task.status) || p.nodes.some(n => isRunning(n.status ?? undefined));
  }

  async load(): Promise<void> {
    try {
      this.pipeline = await this.client.pipeline(this.id);
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    }
    this._changed.emit();
  }

  /**
   * Abort the run, then each step still queued or running (a controller that is gone cannot do
   * it). A step that finished meanwhile refuses; that is fine, it is not running any more.
   */
  async abort(): Promise<void> {
    await this.client.abort(this.id);
    const live = (this.pipeline?.nodes ?? []).filter(n => n.task_id && isRunning(n.status ?? undefined));
    await Promise.allSettled(live.map(n => this.client.abort(n.task_id as string)));
    await this.load();
  }

  /** A push about the run or one of its steps re-reads; a poll only while it is live. */
  onChange(change: IChange): void {
    // While live, a task change may be a step just created (not in the DAG yet): re-read too.
    const mine =
      change.kind === 'task' &&
      (change.id === this.id || this.live || (this.pipeline?.nodes ?? []).some(n => n.task_id === change.id));
    const poll = change.kind === 'poll' && this.live;
    if ((mine || poll) && this._timer === null) {
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.load();
      }, 250);
    }
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  private _changed = new Signal<this, void>(this);
  private _timer: ReturnType<typeof setTimeout> | null = null;
}
