import {
  artifactOut,
  metricList,
  plotOut,
  projectOut,
  seriesList,
  singleValueList,
  taskModelList
} from '../api/normalize';
import { encodeQuery, errorFromBody, withQuery } from '../api/transport';
import { artifactRow } from './rows';

describe("answers of the REST API in the views' shapes", () => {
  it('flattens {title: {series: {x, y}}} keeping order and nulls', () => {
    const list = seriesList({
      loss: { train: { x: [0, 1], y: [1, null] }, val: { x: [0], y: [2] } },
      acc: { val: { x: [], y: [] } }
    });
    expect(list.map(s => `${s.title}/${s.series}`)).toEqual(['loss/train', 'loss/val', 'acc/val']);
    expect(list[0].y).toEqual([1, null]);
  });

  it('reads the metric summary dict', () => {
    const m = metricList({ loss: { train: { last: 0.1, min: 0.05, max: 2, count: 50, last_iteration: 49 } } });
    expect(m).toEqual([
      { title: 'loss', series: 'train', count: 50, last_value: 0.1, min_value: 0.05, max_value: 2, last_iter: 49 }
    ]);
  });

  it('sorts single values by name', () => {
    expect(singleValueList({ b: 2, a: null })).toEqual([
      { name: 'a', value: null },
      { name: 'b', value: 2 }
    ]);
  });

  it('parses a plot figure sent as JSON text, and survives a broken one', () => {
    const p = plotOut({ title: 't', series: 's', iteration: 1, figure: '{"data":[{"type":"bar"}]}' as never });
    expect(p.figure?.data).toEqual([{ type: 'bar' }]);
    const broken = plotOut({ title: 't', series: 's', iteration: 1, figure: '{' as never });
    expect(broken.figure?.data).toEqual([]);
  });

  it('names the blob of an artifact and parses its metadata', () => {
    const a = artifactOut(artifactRow({ name: 'x', blob_sha256: 'ab', metadata: '{"k": 1}' as never }));
    expect(a.sha256).toBe('ab');
    expect(a.metadata).toEqual({ k: 1 });
  });

  it('merges input and output models with their role', () => {
    const models = taskModelList({ input: [{ id: '1', name: 'a' }], output: [{ id: '2', name: 'b' }] });
    expect(models.map(m => [m.id, m.role])).toEqual([
      ['1', 'input'],
      ['2', 'output']
    ]);
  });

  it("hides internal projects (a dataset's .datasets folder)", () => {
    expect(projectOut({ id: '1', name: 'A/.datasets/x', path: 'A/.datasets/x', parent: null }).hidden).toBe(true);
    expect(projectOut({ id: '2', name: 'A/B', path: 'A/B', parent: null }).hidden).toBe(false);
  });

  it('encodes queries: lists repeat their key (a tag may hold a comma), empty values left out', () => {
    expect(encodeQuery({ status: ['a', 'b'], tag: [], search: '', limit: 5, x: undefined })).toBe(
      '?status=a&status=b&limit=5'
    );
    expect(encodeQuery({ tag: ['a,b'] })).toBe('?tag=a%2Cb');
  });

  it('adds a query to a path that already repeats a parameter', () => {
    expect(withQuery('scalars?series=a%2Fb&series=c', { max_points: 10 })).toBe(
      'scalars?series=a%2Fb&series=c&max_points=10'
    );
    expect(withQuery('tasks', {})).toBe('tasks');
  });

  it('turns the error shape into a message the user can act on', () => {
    const e = errorFromBody(409, '{"error": {"type": "Conflict", "message": "task is published"}}');
    expect([e.status, e.type, e.message]).toEqual([409, 'Conflict', 'task is published']);
    expect(errorFromBody(502, '<html>bad gateway</html>').message).toBe('<html>bad gateway</html>');
  });
});
