/**
 * State of the Queues panel: every queue with its entries in order, and the workers. Views read
 * it and call its methods; a reorder shows at once and is then confirmed (or undone) by the
 * server's answer.
 */

import { ISignal, Signal } from '@lumino/signaling';

import { TrackClient } from '../api/client';
import type { IChange, IQueue, IQueueEntry, IWorker } from '../api/shapes';

/** Where to move an entry: to an end, one step, or to an index of the queue's final order. */
export type MoveTarget = 'top' | 'bottom' | 'up' | 'down' | number;

/**
 * The order after moving `id` to `to`, and the index it lands at (what the server is told).
 * Null when the move changes nothing (top of the top, unknown id).
 */
export function reorder(ids: readonly string[], id: string, to: MoveTarget): { order: string[]; index: number } | null {
  const from = ids.indexOf(id);
  if (from < 0) {
    return null;
  }
  const last = ids.length - 1;
  let index: number;
  if (to === 'top') {
    index = 0;
  } else if (to === 'bottom') {
    index = last;
  } else if (to === 'up') {
    index = from - 1;
  } else if (to === 'down') {
    index = from + 1;
  } else {
    index = Math.trunc(to);
  }
  index = Math.max(0, Math.min(last, index));
  if (index === from) {
    return null;
  }
  const order = ids.filter(x => x !== id);
  order.splice(index, 0, id);
  return { order, index };
}

/** What the server is told: ends by name (robust to a concurrent change), other places by index. */
export function serverPosition(order: readonly string[], index: number): 'top' | 'bottom' | number {
  if (index === 0) {
    return 'top';
  }
  if (index === order.length - 1) {
    return 'bottom';
  }
  return index;
}

export type QueuesChange = 'queues' | 'workers' | 'error';

export class QueuesModel {
  constructor(readonly client: TrackClient) {}

  get changed(): ISignal<this, QueuesChange> {
    return this._changed;
  }

  get queues(): IQueue[] {
    return this._queues;
  }
  get workers(): IWorker[] {
    return this._workers;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  get error(): string {
    return this._error;
  }

  queue(name: string): IQueue | undefined {
    return this._queues.find(q => q.name === name || q.id === name);
  }

  /** The queue a task waits in, if any. */
  queueOf(taskId: string): IQueue | undefined {
    return this._queues.find(q => q.entries.some(e => e.task_id === taskId));
  }

  /** Workers listening to a queue (by the queue's own list, else the workers' lists). */
  workersOf(queue: IQueue): IWorker[] {
    const ids = new Set(queue.workers ?? []);
    return this._workers.filter(w => ids.has(w.id) || w.queues.includes(queue.name));
  }

  /** Re-read queues and workers together; concurrent calls share one read. */
  refresh(): Promise<void> {
    if (this._inflight) {
      this._again = true;
      return this._inflight;
    }
    const generation = ++this._generation;
    this._inflight = Promise.all([this.client.queues(), this.client.workers()])
      .then(([queues, workers]) => {
        if (generation !== this._generation) {
          return; // a local edit happened while this read was on its way
        }
        this._queues = sortQueues(queues.map(normalizeQueue));
        this._workers = workers;
        this._loaded = true;
        this._error = '';
        this._changed.emit('queues');
        this._changed.emit('workers');
      })
      .catch((error: Error) => {
        this._error = error.message;
        this._changed.emit('error');
      })
      .finally(() => {
        this._inflight = null;
        if (this._again) {
          this._again = false;
          void this.refresh();
        }
      });
    return this._inflight;
  }

  /** Reorder within a queue: shown at once, then the server's order replaces it. */
  async move(queueName: string, taskId: string, to: MoveTarget): Promise<void> {
    const queue = this.queue(queueName);
    if (!queue) {
      throw new Error(`no queue named ${queueName}`);
    }
    const moved = reorder(
      queue.entries.map(e => e.task_id),
      taskId,
      to
    );
    if (!moved) {
      return;
    }
    const byId = new Map(queue.entries.map(e => [e.task_id, e]));
    this._replace({ ...queue, entries: moved.order.map(id => byId.get(id) as IQueueEntry) });
    try {
      this._replace(
        normalizeQueue(await this.client.moveEntry(queue.name, taskId, serverPosition(moved.order, moved.index)))
      );
    } catch (error) {
      await this.refresh();
      throw error;
    }
  }

  /** Move a queued task to the end of another queue. */
  async moveToQueue(taskId: string, toQueue: string): Promise<void> {
    const from = this.queueOf(taskId);
    if (!from) {
      throw new Error(`task ${taskId} is in no queue`);
    }
    if (from.name === toQueue) {
      return;
    }
    await this.client.moveEntry(from.name, taskId, 'bottom', toQueue);
    await this.refresh();
  }

  async dequeue(taskId: string): Promise<void> {
    await this.client.dequeue(taskId);
    await this.refresh();
  }

  async abort(taskId: string): Promise<void> {
    await this.client.abort(taskId);
    await this.refresh();
  }

  async createQueue(name: string): Promise<void> {
    const clean = name.trim();
    if (!clean) {
      throw new Error('A queue needs a name.');
    }
    await this.client.createQueue(clean);
    await this.refresh();
  }

  async deleteQueue(name: string, force = false): Promise<void> {
    await this.client.deleteQueue(name, force);
    await this.refresh();
  }

  /** A change from the feed: queues, workers and task status changes touch this panel. */
  onChange(change: IChange): void {
    const relevant =
      change.kind === 'queue' ||
      change.kind === 'worker' ||
      change.kind === 'poll' ||
      (change.kind === 'task' && (change.fields === undefined || change.fields.includes('status')));
    if (relevant && this._timer === null) {
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.refresh();
      }, 250);
    }
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    Signal.clearData(this);
  }

  private _replace(queue: IQueue): void {
    this._generation++; // a read already on its way holds the old order: drop it
    this._queues = this._queues.map(q => (q.id === queue.id || q.name === queue.name ? queue : q));
    this._changed.emit('queues');
  }

  private _changed = new Signal<this, QueuesChange>(this);
  private _queues: IQueue[] = [];
  private _workers: IWorker[] = [];
  private _loaded = false;
  private _error = '';
  private _inflight: Promise<void> | null = null;
  private _again = false;
  private _generation = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

/** Entries in their order (by `position` when the server sends it). */
export function normalizeQueue(queue: IQueue): IQueue {
  const entries = [...(queue.entries ?? [])];
  if (entries.every(e => typeof e.position === 'number')) {
    entries.sort((a, b) => (a.position as number) - (b.position as number));
  }
  return { ...queue, entries, count: queue.count ?? queue.num_entries ?? entries.length };
}

/** `default` first (where tasks go unless told otherwise), then by name. */
export function sortQueues(queues: IQueue[]): IQueue[] {
  return [...queues].sort(
    (a, b) => Number(b.name === 'default') - Number(a.name === 'default') || a.name.localeCompare(b.name)
  );
}
