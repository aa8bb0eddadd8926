import { TrackClient } from '../api/client';
import type { IRequest, Transport } from '../api/transport';
import type { IProject, ITaskSummary } from '../api/shapes';
import { ExperimentsModel, PAGE_SIZE, projectTree } from '../model/experiments';

/**
 * A stand-in for the server's `GET tasks` (the model's seam is the transport): a fixed list,
 * paged by limit/offset, counting the requests it answers.
 */
function tableServer(count: number): { transport: Transport; requests: IRequest[] } {
  const rows: ITaskSummary[] = Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    name: `task ${i}`,
    type: 'training',
    status: i % 2 ? 'completed' : 'in_progress',
    tags: [],
    user: 'u'
  }));
  const requests: IRequest[] = [];
  const transport = (async (path: string, request: IRequest = {}) => {
    requests.push(request);
    if (path !== 'tasks') {
      throw new Error(`unexpected ${path}`);
    }
    const q = request.query ?? {};
    const status = q.status as string[] | undefined;
    const matching = status ? rows.filter(r => status.includes(r.status)) : rows;
    const offset = Number(q.offset ?? 0);
    const limit = Number(q.limit ?? matching.length);
    return { items: matching.slice(offset, offset + limit), total: matching.length };
  }) as Transport;
  return { transport, requests };
}

describe('ExperimentsModel', () => {
  it('loads only the first page, then the pages scrolled to', async () => {
    const server = tableServer(10000);
    const model = new ExperimentsModel(new TrackClient(server.transport));
    await model.reload();
    expect(model.total).toBe(10000);
    expect(server.requests).toHaveLength(1);
    expect(model.row(0)?.id).toBe('t0');
    expect(model.row(PAGE_SIZE)).toBeUndefined();
    await model.ensureRange(5000, 5030);
    expect(model.row(5010)?.id).toBe('t5010');
    expect(server.requests).toHaveLength(2);
    await model.ensureRange(5000, 5030); // already there: no request
    expect(server.requests).toHaveLength(2);
  });

  it('sends filters and sort to the server and starts over', async () => {
    const server = tableServer(1000);
    const model = new ExperimentsModel(new TrackClient(server.transport));
    await model.reload();
    await model.setFilters({ status: ['completed'] });
    expect(model.total).toBe(500);
    expect(model.row(0)?.id).toBe('t1');
    const last = server.requests[server.requests.length - 1].query ?? {};
    expect(last.status).toEqual(['completed']);
    expect(last.archived).toBe('false');
    await model.toggleSort('name');
    expect(server.requests[server.requests.length - 1].query?.order_by).toBe('name');
    await model.toggleSort('name');
    expect(server.requests[server.requests.length - 1].query?.order_by).toBe('-name');
  });

  it('drops a page that arrives after the filters changed', async () => {
    let release: () => void = () => undefined;
    const slow = (async (_path: string, request: IRequest = {}) => {
      if (request.query?.search === 'old') {
        await new Promise<void>(r => (release = r));
        return { items: [{ id: 'stale', name: 'stale', type: 'x', status: 'created', tags: [], user: '' }], total: 1 };
      }
      return { items: [{ id: 'fresh', name: 'fresh', type: 'x', status: 'created', tags: [], user: '' }], total: 1 };
    }) as Transport;
    const model = new ExperimentsModel(new TrackClient(slow));
    const pending = model.setFilters({ search: 'old' });
    await model.setFilters({ search: 'new' });
    release();
    await pending;
    expect(model.row(0)?.id).toBe('fresh');
  });

  it('a refresh re-reads only the rows in view and keeps pages on their way', async () => {
    const server = tableServer(10000);
    const model = new ExperimentsModel(new TrackClient(server.transport));
    await model.reload();
    await model.ensureRange(0, 30);
    await model.ensureRange(4000, 4030); // scrolled down: pages 0 and 20 loaded, view on 20
    const before = server.requests.length;
    const pending = model.ensureRange(6000, 6030); // page 30 on its way...
    await model.refresh(); // ...when a change arrives
    await pending;
    expect(model.row(6001)?.id).toBe('t6001');
    expect(model.row(5)).toBeUndefined(); // out of view: forgotten, read again when scrolled to
    const asked = server.requests.slice(before).map(r => r.query?.offset);
    expect(asked).toEqual([6000]); // page 30 once, nothing else
  });

  it('a reload reads the page the view is on, not only the first', async () => {
    const server = tableServer(10000);
    const model = new ExperimentsModel(new TrackClient(server.transport));
    await model.reload();
    await model.ensureRange(5000, 5030);
    await model.toggleSort('name');
    expect(model.row(5010)?.id).toBe('t5010');
  });

  it('selects single, toggled and ranges of rows', async () => {
    const model = new ExperimentsModel(new TrackClient(tableServer(50).transport));
    await model.reload();
    model.select('t3');
    model.select('t7', 'range');
    expect([...model.selection]).toEqual(['t3', 't4', 't5', 't6', 't7']);
    model.select('t5', 'toggle');
    expect(model.selection.has('t5')).toBe(false);
    model.select('t9');
    expect([...model.selection]).toEqual(['t9']);
    model.clearSelection();
    expect(model.selection.size).toBe(0);
  });

  it('turns the flat project list into a sorted tree', () => {
    const projects: IProject[] = [
      { id: 'b', name: 'A/B', path: 'A/B', parent: 'a' },
      { id: 'a', name: 'A', path: 'A', parent: null },
      { id: 'c', name: 'A/A2', path: 'A/A2', parent: 'a' },
      { id: 'z', name: 'Z', path: 'Z', parent: null }
    ];
    const tree = projectTree(projects);
    expect(tree.map(n => n.project.id)).toEqual(['a', 'z']);
    expect(tree[0].children.map(n => [n.project.id, n.depth])).toEqual([
      ['c', 1],
      ['b', 1]
    ]);
  });
});
