import { TrackClient } from '../api/client';
import type { IRequest, Transport } from '../api/transport';
import type { IQueue } from '../api/shapes';
import { normalizeQueue, QueuesModel, reorder, serverPosition, sortQueues } from '../model/queues';
import { enqueueMode } from '../model/task';
import { queueEntry, queueRow } from './rows';

describe('reorder', () => {
  const ids = ['a', 'b', 'c', 'd'];

  it('moves to the ends and by one step', () => {
    expect(reorder(ids, 'c', 'top')).toEqual({ order: ['c', 'a', 'b', 'd'], index: 0 });
    expect(reorder(ids, 'b', 'bottom')).toEqual({ order: ['a', 'c', 'd', 'b'], index: 3 });
    expect(reorder(ids, 'c', 'up')).toEqual({ order: ['a', 'c', 'b', 'd'], index: 1 });
    expect(reorder(ids, 'b', 'down')).toEqual({ order: ['a', 'c', 'b', 'd'], index: 2 });
  });

  it('moves to an index of the final order, clamped to the queue', () => {
    expect(reorder(ids, 'a', 2)).toEqual({ order: ['b', 'c', 'a', 'd'], index: 2 });
    expect(reorder(ids, 'd', 1)).toEqual({ order: ['a', 'd', 'b', 'c'], index: 1 });
    expect(reorder(ids, 'b', 99)?.order).toEqual(['a', 'c', 'd', 'b']);
    expect(reorder(ids, 'c', -5)?.order).toEqual(['c', 'a', 'b', 'd']);
  });

  it('says when nothing moves', () => {
    expect(reorder(ids, 'a', 'top')).toBeNull();
    expect(reorder(ids, 'a', 'up')).toBeNull();
    expect(reorder(ids, 'd', 'down')).toBeNull();
    expect(reorder(ids, 'b', 1)).toBeNull();
    expect(reorder(ids, 'zz', 'top')).toBeNull();
  });

  it('tells the server the ends by name and the middle by index', () => {
    expect(serverPosition(['c', 'a', 'b'], 0)).toBe('top');
    expect(serverPosition(['c', 'a', 'b'], 2)).toBe('bottom');
    expect(serverPosition(['c', 'a', 'b'], 1)).toBe(1);
  });
});

describe('normalizeQueue', () => {
  it('orders entries by position and counts them', () => {
    const q = normalizeQueue(
      queueRow({
        id: 'q',
        name: 'default',
        entries: [
          queueEntry({ task_id: 'b', position: 2.5 }),
          queueEntry({ task_id: 'a', position: -1 }),
          queueEntry({ task_id: 'c', position: 3 })
        ],
        num_entries: 3
      })
    );
    expect(q.entries.map(e => e.task_id)).toEqual(['a', 'b', 'c']);
    expect(q.count).toBe(3);
  });
});

/**
 * A stand-in for the server's queue routes (the model's seam is the transport): it keeps the
 * order itself, applies moves as the contract says, and can be told to refuse the next move.
 */
function queueServer(): {
  transport: Transport;
  state: Record<string, string[]>;
  requests: [string, IRequest][];
  refuse: { next: boolean };
} {
  const state: Record<string, string[]> = { default: ['t1', 't2', 't3', 't4'], gpu: ['g1'] };
  const requests: [string, IRequest][] = [];
  const refuse = { next: false };
  const asQueue = (name: string): IQueue =>
    queueRow({
      id: `id-${name}`,
      name,
      entries: state[name].map((id, i) =>
        queueEntry({ task_id: id, name: `task ${id}`, status: 'queued', position: i * 10 })
      ),
      num_entries: state[name].length,
      workers: name === 'default' ? ['host:1'] : []
    });
  const transport = (async (path: string, request: IRequest = {}) => {
    requests.push([path, request]);
    if (path === 'queues') {
      return { items: Object.keys(state).map(asQueue), total: Object.keys(state).length };
    }
    if (path === 'workers') {
      return { items: [{ id: 'host:1', queues: ['default'], state: 'idle', task: null }], total: 1 };
    }
    const move = /^queues\/([^/]+)\/entries\/([^/]+)\/move$/.exec(path);
    if (move) {
      if (refuse.next) {
        refuse.next = false;
        throw new Error('Conflict: task t2 is no longer queued');
      }
      const [, queue, task] = move;
      const body = request.body as { position: 'top' | 'bottom' | number; queue?: string };
      state[queue] = state[queue].filter(t => t !== task);
      const target = body.queue ?? queue;
      const list = state[target];
      const at = body.position === 'top' ? 0 : body.position === 'bottom' ? list.length : body.position;
      list.splice(at, 0, task);
      return asQueue(target);
    }
    throw new Error(`unexpected ${path}`);
  }) as Transport;
  return { transport, state, requests, refuse };
}

describe('sortQueues', () => {
  it('puts default first, then the others by name', () => {
    const q = (name: string): IQueue => queueRow({ id: name, name });
    expect(sortQueues([q('gpu'), q('cpu'), q('default')]).map(x => x.name)).toEqual(['default', 'cpu', 'gpu']);
  });
});

describe('QueuesModel', () => {
  it('reads queues and workers, and knows who listens where', async () => {
    const server = queueServer();
    const model = new QueuesModel(new TrackClient(server.transport));
    await model.refresh();
    expect(model.queues.map(q => q.name)).toEqual(['default', 'gpu']);
    expect(model.workersOf(model.queue('default') as IQueue).map(w => w.id)).toEqual(['host:1']);
    expect(model.workersOf(model.queue('gpu') as IQueue)).toEqual([]);
    expect(model.queueOf('g1')?.name).toBe('gpu');
  });

  it('shows a move at once, then keeps the server order', async () => {
    const server = queueServer();
    const model = new QueuesModel(new TrackClient(server.transport));
    await model.refresh();
    const seen: string[][] = [];
    model.changed.connect(() => seen.push(model.queue('default')!.entries.map(e => e.task_id)));
    const done = model.move('default', 't3', 'up');
    // Before the server answered, the view already has the new order.
    expect(seen[0]).toEqual(['t1', 't3', 't2', 't4']);
    await done;
    const [path, request] = server.requests[server.requests.length - 1];
    expect(path).toBe('queues/default/entries/t3/move');
    expect(request.body).toEqual({ position: 1 });
    expect(model.queue('default')!.entries.map(e => e.task_id)).toEqual(['t1', 't3', 't2', 't4']);
    expect(server.state.default).toEqual(['t1', 't3', 't2', 't4']);
    await model.move('default', 't4', 'top');
    expect(server.requests[server.requests.length - 1][1].body).toEqual({ position: 'top' });
    expect(model.queue('default')!.entries.map(e => e.task_id)).toEqual(['t4', 't1', 't3', 't2']);
  });

  it('puts the server order back when a move is refused', async () => {
    const server = queueServer();
    const model = new QueuesModel(new TrackClient(server.transport));
    await model.refresh();
    server.refuse.next = true;
    await expect(model.move('default', 't2', 'bottom')).rejects.toThrow('no longer queued');
    expect(model.queue('default')!.entries.map(e => e.task_id)).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('does not call the server for a move that changes nothing', async () => {
    const server = queueServer();
    const model = new QueuesModel(new TrackClient(server.transport));
    await model.refresh();
    const before = server.requests.length;
    await model.move('default', 't1', 'top');
    expect(server.requests.length).toBe(before);
  });

  it('moves an entry to the end of another queue', async () => {
    const server = queueServer();
    const model = new QueuesModel(new TrackClient(server.transport));
    await model.refresh();
    await model.moveToQueue('t2', 'gpu');
    const move = server.requests.find(([p]) => p.endsWith('/move'));
    expect(move?.[0]).toBe('queues/default/entries/t2/move');
    expect(move?.[1].body).toEqual({ position: 'bottom', queue: 'gpu' });
    expect(model.queue('gpu')!.entries.map(e => e.task_id)).toEqual(['g1', 't2']);
    expect(model.queue('default')!.entries.map(e => e.task_id)).toEqual(['t1', 't3', 't4']);
  });

  it('refuses a queue without a name before asking the server', async () => {
    const server = queueServer();
    const model = new QueuesModel(new TrackClient(server.transport));
    await expect(model.createQueue('   ')).rejects.toThrow('needs a name');
    expect(server.requests).toHaveLength(0);
  });

  it('re-reads once per burst of changes, and ignores what is not about queues', async () => {
    jest.useFakeTimers();
    try {
      const server = queueServer();
      const model = new QueuesModel(new TrackClient(server.transport));
      model.onChange({ kind: 'model', id: 'm1' });
      model.onChange({ kind: 'task', id: 'x', fields: ['last_update', 'last_iteration'] });
      jest.advanceTimersByTime(1000);
      expect(server.requests).toHaveLength(0);
      model.onChange({ kind: 'queue', id: 'default' });
      model.onChange({ kind: 'worker', id: 'host:1' });
      model.onChange({ kind: 'task', id: 't1', fields: ['last_update', 'status'] });
      jest.advanceTimersByTime(1000);
      expect(server.requests.map(([p]) => p).sort()).toEqual(['queues', 'workers']);
      model.dispose();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('enqueueMode', () => {
  it('follows the status table: drafts and stopped runs go, finished ones are cloned first', () => {
    expect(enqueueMode('created')).toBe('enqueue');
    expect(enqueueMode('stopped')).toBe('enqueue');
    expect(enqueueMode('failed')).toBe('enqueue');
    expect(enqueueMode('completed')).toBe('clone');
    expect(enqueueMode('published')).toBe('clone');
    expect(enqueueMode('queued')).toBe('none');
    expect(enqueueMode('in_progress')).toBe('none');
    expect(enqueueMode(undefined)).toBe('none');
  });
});
