import { TrackClient } from '../api/client';
import type { IRequest, Transport } from '../api/transport';
import type { IPipelineNode } from '../api/shapes';
import {
  dagLevels,
  edgesFromParents,
  layoutDag,
  NODE_H,
  NODE_W,
  nodeDuration,
  nodeStatus,
  PipelineModel,
  stepProgress
} from '../model/pipelines';
import { pipelineRun } from './rows';

const node = (name: string, parents: string[] = [], extra: Partial<IPipelineNode> = {}): IPipelineNode => ({
  name,
  parents,
  ...extra
});

describe('dagLevels', () => {
  it('puts a step one level right of its deepest parent', () => {
    // a -> b -> d, a -> c, c -> d, e alone
    const levels = dagLevels(
      ['a', 'b', 'c', 'd', 'e'],
      [
        ['a', 'b'],
        ['b', 'd'],
        ['a', 'c'],
        ['c', 'd']
      ]
    );
    expect(Object.fromEntries(levels)).toEqual({ a: 0, b: 1, c: 1, d: 2, e: 0 });
  });

  it('takes the longest path, not the shortest', () => {
    // a -> d directly, and a -> b -> c -> d
    const levels = dagLevels(
      ['a', 'b', 'c', 'd'],
      [
        ['a', 'd'],
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd']
      ]
    );
    expect(levels.get('d')).toBe(3);
  });

  it('survives a cycle and edges to unknown steps', () => {
    const levels = dagLevels(
      ['a', 'b', 'c'],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'b'],
        ['ghost', 'a'],
        ['a', 'a']
      ]
    );
    expect(levels.size).toBe(3);
    expect(levels.get('a')).toBe(0);
    for (const l of levels.values()) {
      expect(Number.isFinite(l)).toBe(true);
    }
  });
});

describe('layoutDag', () => {
  const nodes = [
    node('train_b', ['prep']),
    node('prep'),
    node('train_a', ['prep']),
    node('report', ['train_a', 'train_b'])
  ];

  it('places levels in columns and never overlaps two nodes', () => {
    const layout = layoutDag(nodes);
    expect(layout.levels).toBe(3);
    const at = Object.fromEntries(layout.nodes.map(p => [p.node.name, p]));
    expect(at.prep.level).toBe(0);
    expect(at.train_a.level).toBe(1);
    expect(at.train_b.level).toBe(1);
    expect(at.report.level).toBe(2);
    expect(at.train_a.x).toBe(at.train_b.x);
    expect(at.report.x).toBeGreaterThan(at.train_a.x + NODE_W);
    // Same column, in the order the steps were defined when the parents tie; no vertical overlap.
    expect(at.train_b.row).toBe(0);
    expect(at.train_a.row).toBe(1);
    expect(at.train_a.y - at.train_b.y).toBeGreaterThanOrEqual(NODE_H);
    expect(layout.edges).toHaveLength(4);
    for (const p of layout.nodes) {
      expect(p.x + NODE_W).toBeLessThanOrEqual(layout.width);
      expect(p.y + NODE_H).toBeLessThanOrEqual(layout.height);
    }
  });

  it('orders a column by where the parents sit, so edges cross less', () => {
    // Parents p0 (row 0) and p1 (row 1); "z_child" of p0 goes above "a_child" of p1.
    const layout = layoutDag([node('p0'), node('p1'), node('a_child', ['p1']), node('z_child', ['p0'])]);
    const at = Object.fromEntries(layout.nodes.map(p => [p.node.name, p]));
    expect(at.z_child.row).toBe(0);
    expect(at.a_child.row).toBe(1);
  });

  it('takes the server edge list when given, and edges from parents otherwise', () => {
    expect(edgesFromParents(nodes)).toContainEqual(['prep', 'train_a']);
    const layout = layoutDag([node('x'), node('y')], [['x', 'y']]);
    expect(layout.nodes.find(p => p.node.name === 'y')?.level).toBe(1);
    expect(layoutDag([]).nodes).toEqual([]);
  });
});

describe('step status and progress', () => {
  it('draws a step without a task as pending', () => {
    expect(nodeStatus(node('a'))).toBe('pending');
    expect(nodeStatus(node('a', [], { task_id: 't', status: null }))).toBe('created');
    expect(nodeStatus(node('a', [], { task_id: 't', status: 'completed' }))).toBe('completed');
  });

  it('measures a running step up to now and a finished one to its end', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    expect(nodeDuration(node('a', [], { status: 'in_progress', started: '2026-01-01T00:00:00Z' }), now)).toBe(600000);
    expect(
      nodeDuration(
        node('a', [], { status: 'completed', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:30Z' }),
        now
      )
    ).toBe(30000);
    expect(nodeDuration(node('a'), now)).toBeNull();
    expect(nodeDuration(node('a', [], { duration: 2.5 }), now)).toBe(2500);
  });

  it('counts finished steps from status counts', () => {
    const run = pipelineRun({ id: 'r', name: 'r', status: 'in_progress' });
    expect(
      stepProgress({ ...run, steps: 6, step_status: { completed: 2, failed: 1, in_progress: 1, queued: 2 } })
    ).toEqual([3, 6]);
    // `steps` the number, `step_status` the counts; skipped/cached steps are done.
    expect(
      stepProgress({ ...run, steps: 5, step_status: { completed: 1, skipped: 1, cached: 1, pending: 2 } })
    ).toEqual([3, 5]);
    expect(stepProgress(run)).toEqual([0, 0]);
  });
});

describe('PipelineModel', () => {
  it('aborts the run and then each step still queued or running', async () => {
    const posts: string[] = [];
    const transport = (async (path: string, request: IRequest = {}) => {
      if (request.method === 'POST') {
        posts.push(path);
        if (path === 'tasks/sq/abort') {
          throw new Error('task sq is completed; only a queued or running task can be aborted');
        }
        return {};
      }
      return {
        task: { id: 'run1', name: 'run', type: 'controller', status: 'in_progress', tags: [], user: 'u' },
        nodes: [
          node('a', [], { task_id: 'sa', status: 'completed' }),
          node('b', ['a'], { task_id: 'sb', status: 'in_progress' }),
          node('c', ['a'], { task_id: 'sq', status: 'queued' }),
          node('d', ['b', 'c'])
        ],
        edges: []
      };
    }) as Transport;
    const model = new PipelineModel(new TrackClient(transport), 'run1');
    await model.load();
    // A step that finished meanwhile refuses; the abort as a whole still goes through.
    await model.abort();
    expect(posts).toEqual(['tasks/run1/abort', 'tasks/sb/abort', 'tasks/sq/abort']);
    model.dispose();
  });

  function server(status: string): { transport: Transport; paths: string[] } {
    const paths: string[] = [];
    const transport = (async (path: string, _request: IRequest = {}) => {
      paths.push(path);
      return {
        task: { id: 'run1', name: 'run', type: 'controller', status, tags: [], user: 'u' },
        nodes: [node('a', [], { task_id: 'sa', status: 'completed' }), node('b', ['a'], { task_id: 'sb', status })],
        edges: [['a', 'b']]
      };
    }) as Transport;
    return { transport, paths };
  }

  it('re-reads on a change of one of its steps, and on polls only while live', async () => {
    jest.useFakeTimers();
    try {
      const live = server('in_progress');
      const model = new PipelineModel(new TrackClient(live.transport), 'run1');
      await model.load();
      expect(model.layout.nodes).toHaveLength(2);
      expect(model.live).toBe(true);
      model.onChange({ kind: 'poll' });
      await jest.advanceTimersByTimeAsync(500);
      expect(live.paths).toHaveLength(2);

      const done = server('completed');
      const finished = new PipelineModel(new TrackClient(done.transport), 'run1');
      await finished.load();
      expect(finished.live).toBe(false);
      finished.onChange({ kind: 'poll' });
      finished.onChange({ kind: 'task', id: 'unrelated' });
      await jest.advanceTimersByTimeAsync(500);
      expect(done.paths).toHaveLength(1);
      finished.onChange({ kind: 'task', id: 'sb' });
      await jest.advanceTimersByTimeAsync(500);
      expect(done.paths).toEqual(['pipelines/run1', 'pipelines/run1']);
      model.dispose();
      finished.dispose();
    } finally {
      jest.useRealTimers();
    }
  });
});
