import { TrackClient } from '../api/client';
import type { IRequest, Transport } from '../api/transport';
import type { IProject, ITaskSummary } from '../api/shapes';
import { applicable, canRun, ISelected, uiError } from '../model/actions';
import { ExperimentsModel } from '../model/experiments';
import { linkTo, parseRoute, routeOrError, routeValue, trackParam } from '../model/links';
import { markdownToHtml } from '../model/markdown';
import { columnLabel, deleteView, isExtraColumn, saveView } from '../model/tableState';

const task = (id: string, status: string, archived = false): ISelected => ({
  id,
  name: `task ${id}`,
  status,
  archived
});

describe('bulk actions follow the statuses', () => {
  const mixed = [
    task('a', 'created'),
    task('b', 'queued'),
    task('c', 'in_progress'),
    task('d', 'completed'),
    task('e', 'published')
  ];

  it('offers an action only when some selected task allows it', () => {
    expect(canRun('publish', [task('a', 'created')])).toBe(false);
    expect(canRun('enqueue', [task('d', 'completed')])).toBe(false);
    expect(canRun('abort', [task('a', 'created')])).toBe(false);
    expect(canRun('compare', [task('a', 'created')])).toBe(false);
    expect(canRun('compare', mixed.slice(0, 2))).toBe(true);
    expect(applicable('publish', mixed).map(t => t.id)).toEqual(['d']);
    expect(applicable('abort', mixed).map(t => t.id)).toEqual(['b', 'c']);
    expect(applicable('delete', mixed).map(t => t.id)).toEqual(['a', 'b', 'd']);
    expect(applicable('archive', mixed).map(t => t.id)).toEqual(['a', 'd', 'e']);
    expect(applicable('restore', [task('x', 'completed', true), task('y', 'completed')]).map(t => t.id)).toEqual(['x']);
  });

  it('words server errors for a UI user', () => {
    expect(uiError('task t1 is running; stop it first (task.mark_stopped()) or pass force=True')).toBe(
      'task t1 is running; stop it first'
    );
    expect(uiError("task t1 is 'in_progress'; stop or dequeue it before archiving")).toBe(
      'task t1 is running; stop or dequeue it before archiving'
    );
    expect(uiError('task t2 is published; pass force=True to delete published results')).not.toMatch(/force/);
  });
});

describe('links', () => {
  it('parse and write the documented forms', () => {
    for (const value of [
      'task/abc',
      'task/abc/Scalars',
      'compare/a1,b2,c3',
      'project/UI%20Demo/Baseline',
      'model/m1',
      'dataset/d1',
      'pipeline/p1',
      'home',
      'table',
      'dashboard/A/B'
    ]) {
      expect(routeValue(routeOrError(value))).toBe(value);
    }
    expect(parseRoute('project/UI%20Demo/Baseline')).toEqual({ kind: 'project', path: 'UI Demo/Baseline' });
    expect(parseRoute('compare/a')).toBeNull();
    expect(parseRoute('task/../../etc')).toBeNull();
    expect(parseRoute('nothing/here')).toBeNull();
    expect(() => routeOrError('model/')).toThrow(/not a valid id/);
    expect(linkTo('http://h/user/x/lab', { kind: 'task', id: 'abc' })).toBe('http://h/user/x/lab?track=task/abc');
    expect(trackParam('?reset&track=task/abc&x=1')).toBe('task/abc');
    expect(trackParam('?x=1')).toBeNull();
  });
});

describe('table state', () => {
  it('labels columns and keeps saved views per project', () => {
    expect(isExtraColumn('metric_min:loss/val')).toBe(true);
    expect(isExtraColumn('name')).toBe(false);
    expect(columnLabel('metric_max:loss/val')).toBe('loss/val (max)');
    expect(columnLabel('param:General/lr')).toBe('General/lr');
    const state = {
      project: 'P',
      filters: { status: [], type: [], tag: [], search: '', archived: false },
      sort: { field: 'name', desc: false },
      layout: ['name'],
      widths: {}
    };
    const views = saveView(saveView({}, 'P', 'mine', state), 'Q', 'other', state);
    expect(Object.keys(views.P)).toEqual(['mine']);
    expect(Object.keys(deleteView(views, 'P', 'mine').P)).toEqual([]);
    expect(Object.keys(views.Q)).toEqual(['other']);
  });
});

describe('markdown descriptions', () => {
  it('renders the common constructs and escapes everything else', () => {
    const html = markdownToHtml(
      '# Title\nSome **bold** and `code`.\n\n- one\n- two\n\n<script>alert(1)</script> [x](javascript:alert(1)) [y](https://e.org)'
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://e.org"');
  });
});

/** A stand-in transport for the model: projects and a paged `tasks` list, recording queries. */
function server(): { transport: Transport; queries: Record<string, unknown>[] } {
  const projects: IProject[] = [
    { id: 'p1', name: 'A', path: 'A', parent: null },
    { id: 'p2', name: 'B', path: 'B', parent: null }
  ];
  const rows: ITaskSummary[] = ['created', 'completed', 'published'].map((status, i) => ({
    id: `t${i}`,
    name: `task ${i}`,
    type: 'training',
    status,
    tags: [],
    user: 'u'
  }));
  const queries: Record<string, unknown>[] = [];
  const transport = (async (path: string, request: IRequest = {}) => {
    if (path === 'projects') {
      return { items: projects };
    }
    queries.push(request.query ?? {});
    return { items: rows, total: rows.length };
  }) as Transport;
  return { transport, queries };
}

describe('the experiments model', () => {
  it('clears the selection when the project or the filters change', async () => {
    const { transport } = server();
    const model = new ExperimentsModel(new TrackClient(transport));
    await model.loadProjects();
    await model.setProject('p1');
    model.select('t0');
    model.select('t2', 'toggle');
    expect(model.selectedTasks().map(t => t.status)).toEqual(['created', 'published']);
    await model.setProject('p2');
    expect(model.selection.size).toBe(0);
    model.select('t1');
    await model.setFilters({ search: 'x' });
    expect(model.selection.size).toBe(0);
  });

  it('sends filters, ranges and extra columns to the server, and restores its state', async () => {
    const { transport, queries } = server();
    const model = new ExperimentsModel(new TrackClient(transport));
    await model.loadProjects();
    await model.setProjectPath('B');
    await model.setFilters({ users: ['ann'], tag: ['a', 'b'], tagMode: 'all', ranges: ['metric:loss/val=..0.3'] });
    await model.setLayout([...model.layout, 'metric_min:loss/val']);
    await model.toggleSort('metric_min:loss/val');
    const q = queries[queries.length - 1];
    expect(q).toMatchObject({
      project: 'B',
      user: ['ann'],
      tag: ['__$all', 'a', 'b'],
      range: ['metric:loss/val=..0.3'],
      parts: false,
      columns: ['metric_min:loss/val'],
      order_by: 'metric_min:loss/val'
    });
    model.moveColumn('metric_min:loss/val', 'status');
    expect(model.layout[0]).toBe('metric_min:loss/val');
    const saved = JSON.parse(JSON.stringify(model.state));
    const other = new ExperimentsModel(new TrackClient(transport));
    await other.applyState(saved);
    expect(other.projectPath).toBe('B');
    expect(other.layout).toEqual(model.layout);
    expect(other.filters.ranges).toEqual(['metric:loss/val=..0.3']);
  });

  it('select-all-matching selects every task of the filters, not only those loaded', async () => {
    const { transport } = server();
    const model = new ExperimentsModel(new TrackClient(transport));
    await model.loadProjects();
    await model.setProject('p1');
    expect(await model.selectAllMatching()).toBe(3);
  });
});
