import { TrackClient } from '../api/client';
import { errorFromBody, IRequest, Transport } from '../api/transport';
import type { IModel, IModelMetrics, IModelVersion } from '../api/shapes';
import {
  isNotFound,
  labelRows,
  metadataRows,
  metricCharts,
  metricLayout,
  ModelDetailsModel,
  versionRows,
  weightsAddress,
  withoutToken
} from '../model/models';
import { modelRow, modelVersion } from './rows';

const SHA = 'ab' + '0'.repeat(62);

describe('metadataRows', () => {
  it('gives key, type and value by key, values as the SDK returns them', () => {
    const rows = metadataRows({
      epochs: { type: 'int', value: 20 },
      accuracy: { type: 'float', value: 0.93456789 },
      note: { type: 'str', value: '0.93' },
      layers: { type: 'list', value: [64, 32] },
      augment: { type: 'bool', value: true }
    });
    expect(rows.map(r => r.key)).toEqual(['accuracy', 'augment', 'epochs', 'layers', 'note']);
    expect(rows[0]).toEqual({ key: 'accuracy', type: 'float', value: '0.93457' });
    expect(rows[1].value).toBe('true');
    expect(rows[2]).toEqual({ key: 'epochs', type: 'int', value: '20' });
    expect(rows[3].value).toBe('[64,32]');
    // A string that looks like a number stays the string it is.
    expect(rows[4]).toEqual({ key: 'note', type: 'str', value: '0.93' });
  });

  it('reads a bare value (no {type, value}) as its own type, and nothing as no rows', () => {
    expect(metadataRows({ k: 3 } as never)).toEqual([{ key: 'k', type: 'number', value: '3' }]);
    expect(metadataRows(undefined)).toEqual([]);
    expect(metadataRows(null)).toEqual([]);
  });
});

describe('labelRows', () => {
  it('lists labels in id order', () => {
    expect(labelRows({ dog: 2, background: 0, cat: 1 })).toEqual([
      { label: 'background', id: 0 },
      { label: 'cat', id: 1 },
      { label: 'dog', id: 2 }
    ]);
    expect(labelRows(undefined)).toEqual([]);
  });
});

describe('weightsAddress', () => {
  const v = (w: Partial<IModelVersion>): IModelVersion => modelVersion(w);

  it('gives a registered URL as it is', () => {
    expect(weightsAddress(v({ url: 's3://bucket/m.pt', blob_sha256: null }))).toEqual({
      url: 's3://bucket/m.pt',
      sha256: null
    });
  });

  it('offers a download for bytes in the server own store (which has no outside address)', () => {
    expect(weightsAddress(v({ blob_sha256: SHA, location: '' }))).toEqual({ url: '', sha256: SHA });
  });

  it('names bytes in another store by the blob layout under its root', () => {
    expect(weightsAddress(v({ blob_sha256: SHA, location: 's3://bucket/models/' }))).toEqual({
      url: `s3://bucket/models/sha256/ab/${SHA}`,
      sha256: null
    });
    expect(weightsAddress(v({ blob_sha256: SHA, location: '/data/store' })).url).toBe(
      `file:///data/store/sha256/ab/${SHA}`
    );
    expect(weightsAddress(v({ blob_sha256: SHA, location: 'file:///data/store' })).url).toBe(
      `file:///data/store/sha256/ab/${SHA}`
    );
  });

  it('is empty without weights', () => {
    expect(weightsAddress(null)).toEqual({ url: '', sha256: null });
    expect(weightsAddress(v({}))).toEqual({ url: '', sha256: null });
  });
});

describe('withoutToken', () => {
  it('drops the page token from a URL, whatever its place in the query', () => {
    expect(withoutToken('http://h/track/api/v1/blobs/x?token=secret')).toBe('http://h/track/api/v1/blobs/x');
    expect(withoutToken('http://h/b?token=secret&a=1')).toBe('http://h/b?a=1');
    expect(withoutToken('http://h/b?a=1&token=secret')).toBe('http://h/b?a=1');
    expect(withoutToken('http://h/b')).toBe('http://h/b');
  });
});

describe('metricCharts', () => {
  it('draws one chart per title with a line per series, in the server order', () => {
    const charts = metricCharts([
      { title: 'accuracy', series: 'val', iterations: [1, 2], values: [0.5, 0.7] },
      { title: 'loss', series: 'train', iterations: [1, 2, 3], values: [1, 0.5, 0.25] },
      { title: 'loss', series: 'val', iterations: [1, 2, 3], values: [1.1, 0.6, 0.4] }
    ]);
    expect(charts.map(c => c.title)).toEqual(['accuracy', 'loss']);
    expect(charts[1].traces.map(t => t.name)).toEqual(['train', 'val']);
    expect(charts[1].traces[1]).toEqual({
      type: 'scatter',
      mode: 'lines+markers',
      name: 'val',
      x: [1, 2, 3],
      y: [1.1, 0.6, 0.4]
    });
  });

  it('drops markers on long series and never pairs an x without a y', () => {
    const long = Array.from({ length: 50 }, (_, i) => i);
    const [chart] = metricCharts([{ title: 't', series: 's', iterations: [...long, 50], values: long }]);
    expect(chart.traces[0].mode).toBe('lines');
    expect(chart.traces[0].x).toHaveLength(50);
    expect(metricCharts(undefined)).toEqual([]);
  });
});

describe('metricLayout', () => {
  it('ticks every iteration of a short run, and only whole ones of a long run', () => {
    const trace = (x: number[]) => ({ type: 'scatter', mode: 'lines', name: 's', x, y: x });
    expect(metricLayout({ title: 'latency', traces: [trace([1, 2, 3])] })).toEqual({
      title: { text: 'latency', font: { size: 13 } },
      xaxis: { dtick: 1 }
    });
    expect(metricLayout({ title: 'loss', traces: [trace([0, 500])] }).xaxis).toEqual({ tickformat: 'd' });
  });
});

describe('versionRows', () => {
  it('puts the newest version first', () => {
    const rows = [1, 3, 2].map(version => modelVersion({ version }));
    expect(versionRows(rows).map(v => v.version)).toEqual([3, 2, 1]);
  });
});

/**
 * A stand-in for the server's model routes (the model's seam is the transport): one model, its
 * versions, and a metrics route that answers as told (the contract's shape, 404, or a failure).
 */
function modelServer() {
  const state = {
    model: modelRow({
      id: 'm1',
      name: 'resnet',
      framework: 'pytorch',
      labels: { cat: 1 },
      metadata: { acc: { type: 'float', value: 0.9 } },
      latest_version: 1,
      version: 1,
      parent_id: 'p0',
      weights: modelVersion({ model_id: 'm1', version: 1, blob_sha256: SHA, location: '' })
    }) as IModel | null,
    versions: [modelVersion({ model_id: 'm1', version: 1, blob_sha256: SHA, location: '' })] as IModelVersion[],
    metrics: { scalars: [], single_values: [], plots: [] } as IModelMetrics | 'missing' | 'broken',
    requests: [] as string[]
  };
  const transport = (async (path: string, _request: IRequest = {}) => {
    state.requests.push(path);
    if (!state.model) {
      throw errorFromBody(404, JSON.stringify({ error: { type: 'NotFound', message: "no model with id 'm1'" } }));
    }
    if (path === 'models/m1') {
      return state.model;
    }
    if (path === 'models/p0') {
      return { id: 'p0', name: 'resnet base' };
    }
    if (path === 'models/m1/versions') {
      return { items: state.versions, total: state.versions.length };
    }
    if (path === 'models/m1/metrics') {
      if (state.metrics === 'missing') {
        throw errorFromBody(404, '<html>404: Not Found</html>');
      }
      if (state.metrics === 'broken') {
        throw errorFromBody(500, JSON.stringify({ error: { type: 'Internal', message: 'database is locked' } }));
      }
      return state.metrics;
    }
    throw errorFromBody(404, `no route ${path}`);
  }) as Transport;
  return { state, client: new TrackClient(transport) };
}

const tick = () => new Promise(resolve => setTimeout(resolve, 5));

describe('TrackClient model routes', () => {
  it('reads versions as a list and metrics with both parts always present', async () => {
    const { state, client } = modelServer();
    state.metrics = { scalars: [{ title: 'loss', series: 's', iterations: [1], values: [2] }] } as IModelMetrics;
    expect((await client.modelVersions('m1')).map(v => v.version)).toEqual([1]);
    expect(await client.modelMetrics('m1')).toEqual({
      scalars: [{ title: 'loss', series: 's', iterations: [1], values: [2] }],
      single_values: [],
      plots: []
    });
  });
});

describe('ModelDetailsModel', () => {
  it('reads the model, its versions and its metrics', async () => {
    const { state, client } = modelServer();
    state.metrics = {
      scalars: [{ title: 'loss', series: 'train', iterations: [1, 2], values: [1, 0.5] }],
      single_values: [{ name: 'f1', value: 0.8 }],
      plots: []
    };
    const model = new ModelDetailsModel(client, 'm1', 0);
    let fired = 0;
    model.changed.connect(() => fired++);
    await model.load();
    expect(model.model?.name).toBe('resnet');
    expect(model.parentName).toBe('resnet base');
    expect(model.versions).toHaveLength(1);
    expect(model.metrics.single_values).toEqual([{ name: 'f1', value: 0.8 }]);
    expect(model.errors).toEqual({});
    expect(fired).toBe(1);
  });

  it('shows no metrics, and no error, when the metrics route answers 404', async () => {
    const { state, client } = modelServer();
    state.metrics = 'missing';
    const model = new ModelDetailsModel(client, 'm1', 0);
    await model.load();
    expect(model.errors).toEqual({});
    expect(model.metrics).toEqual({ scalars: [], single_values: [], plots: [] });
    expect(model.model?.name).toBe('resnet');
  });

  it('says what went wrong when the metrics route fails otherwise', async () => {
    const { state, client } = modelServer();
    state.metrics = 'broken';
    const model = new ModelDetailsModel(client, 'm1', 0);
    await model.load();
    expect(model.errors.metrics).toBe('database is locked');
    expect(model.errors.details).toBeUndefined();
  });

  it('marks a model that is not there as gone, with the server message', async () => {
    const { state, client } = modelServer();
    state.model = null;
    const model = new ModelDetailsModel(client, 'm1', 0);
    await model.load();
    expect(model.gone).toBe(true);
    expect(model.errors.details).toBe("no model with id 'm1'");
    expect(model.errors.versions).toBeUndefined(); // one message for one cause
  });

  it('re-reads on a change announced for this model, not for another', async () => {
    const { state, client } = modelServer();
    const model = new ModelDetailsModel(client, 'm1', 0);
    await model.load();
    state.requests.length = 0;
    model.onChange({ kind: 'model', id: 'other', fields: ['metrics'] });
    model.onChange({ kind: 'task', id: 'm1', fields: ['status'] });
    await tick();
    expect(state.requests).toEqual([]);

    state.metrics = {
      scalars: [{ title: 'loss', series: 'val', iterations: [3], values: [0.1] }],
      single_values: [],
      plots: []
    };
    model.onChange({ kind: 'model', id: 'm1', fields: ['metrics'] });
    model.onChange({ kind: 'model', id: 'm1', fields: ['metrics'] }); // a burst: one re-read
    await tick();
    expect(state.requests.filter(p => p === 'models/m1/metrics')).toHaveLength(1);
    expect(state.requests).not.toContain('models/p0'); // the parent's name is read once
    expect(metricCharts(model.metrics.scalars)[0].traces[0].y).toEqual([0.1]);
  });

  it('learns of its deletion from the feed and stops re-reading once disposed', async () => {
    const { state, client } = modelServer();
    const model = new ModelDetailsModel(client, 'm1', 0);
    await model.load();
    model.onChange({ kind: 'model', id: 'm1', fields: [], deleted: true });
    expect(model.gone).toBe(true);
    state.requests.length = 0;
    model.onChange({ kind: 'poll' });
    model.dispose();
    await tick();
    expect(state.requests).toEqual([]);
  });
});

describe('isNotFound', () => {
  it('is true only for an API 404', () => {
    expect(isNotFound(errorFromBody(404, ''))).toBe(true);
    expect(isNotFound(errorFromBody(400, ''))).toBe(false);
    expect(isNotFound(new Error('404'))).toBe(false);
  });
});
