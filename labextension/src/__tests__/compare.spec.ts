import { TrackClient } from '../api/client';
import type { IRequest } from '../api/transport';
import {
  dimensionOf,
  executionRows,
  lineDiff,
  metricKeys,
  metricOf,
  paramDiff,
  parcoordsDimensions,
  parcoordsTrace,
  requirementsText,
  seriesDash,
  taskColor
} from '../model/compare';
import { CompareModel, MAX_COMPARED } from '../model/compareModel';
import { formatEnvironment, joinArgs, parseEnvironment, splitArgs } from '../model/execution';
import { parseCsv } from '../model/csv';
import { progressParts } from '../model/pipelines';
import { metadataValue, parseMetadataInput, weightsSize } from '../model/models';
import { groupSamples, sampleAt, stepIteration, unionIterations } from '../model/samples';
import { chartsFromSummaries, earliestX, monitorUnit, xForAxis } from '../model/scalars';
import { addTags, defaultTagColor, setTagColor, tagColor } from '../model/tags';
import { taskRow } from './rows';

describe('compare: colours, dashes, parallel coordinates', () => {
  it('gives ten distinct colours, then more hues, and the same dash to a series in every task', () => {
    const colours = Array.from({ length: 12 }, (_, i) => taskColor(i));
    expect(new Set(colours).size).toBe(12);
    expect(seriesDash(['train', 'validation'], 'train')).toBe('solid');
    expect(seriesDash(['train', 'validation'], 'validation')).toBe('dash');
  });

  it('makes numeric axes of numbers and categorical axes of names', () => {
    expect(dimensionOf('lr', ['0.1', '0.01', undefined]).values).toEqual([0.1, 0.01, NaN]);
    const cat = dimensionOf('opt', ['adam', 'sgd', 'adam']);
    expect(cat.values).toEqual([0, 1, 0]);
    expect(cat.ticktext).toEqual(['adam', 'sgd']);
  });

  it('puts only differing parameters on the axes, then the metric', () => {
    const diff = paramDiff([
      [
        { section: 'General', name: 'lr', value: 0.1 },
        { section: 'General', name: 'bs', value: 32 }
      ],
      [
        { section: 'General', name: 'lr', value: 0.2 },
        { section: 'General', name: 'bs', value: 32 }
      ]
    ]);
    const dims = parcoordsDimensions(diff, { label: 'loss', values: [0.5, null] });
    expect(dims.map(d => d.label)).toEqual(['General/lr', 'loss']);
    expect(dims[1].values[1]).toBeNaN();
    const trace = parcoordsTrace(dims, ['#111111', '#222222']) as { line: { colorscale: unknown[] } };
    expect(trace.line.colorscale).toEqual([
      [0, '#111111'],
      [1, '#222222']
    ]);
  });

  it('colours 1,000 tasks by the metric instead of by task', () => {
    const n = 1000;
    const dims = [{ label: 'x', values: Array.from({ length: n }, (_, i) => i) }];
    const trace = parcoordsTrace(
      dims,
      Array.from({ length: n }, (_, i) => taskColor(i)),
      Array.from({ length: n }, (_, i) => i / n)
    ) as { line: { colorscale: unknown } };
    expect(trace.line.colorscale).toBe('Viridis');
  });

  it('reads metric values and lists user metrics before monitor ones', () => {
    const a = [
      { title: ':monitor:machine', series: 'cpu_usage', last_value: 3 },
      { title: 'loss', series: 'val', last_value: 0.2, min_value: 0.1, max_value: 0.9 }
    ];
    expect(metricKeys([a])).toEqual(['loss/val', ':monitor:machine/cpu_usage']);
    expect(metricOf(a, 'loss/val', 'min')).toBe(0.1);
    expect(metricOf(a, 'nope/x', 'last')).toBeNull();
  });

  it('diffs executions and packages', () => {
    const rows = executionRows([
      { script: { version_num: 'a', entry_point: 'train.py', requirements: { pip: 'numpy\ntorch' } } },
      { script: { version_num: 'b', entry_point: 'train.py', requirements: 'numpy\npandas' } }
    ]);
    expect(rows.find(r => r.key === 'commit')?.differs).toBe(true);
    expect(rows.find(r => r.key === 'entry point')?.differs).toBe(false);
    expect(requirementsText(['a', 'b'])).toBe('a\nb');
    expect(lineDiff('numpy\ntorch', 'numpy\npandas')).toEqual({ added: ['pandas'], removed: ['torch'] });
  });
});

describe('CompareModel', () => {
  function fake() {
    const requests: string[] = [];
    const transport = (async (path: string, request: IRequest = {}) => {
      requests.push(path + JSON.stringify(request.query ?? {}));
      const id = path.split('/')[1];
      if (/^tasks\/[^/]+$/.test(path)) {
        return taskRow({ id, name: `task ${id}` });
      }
      if (path.endsWith('/parameters')) {
        return { items: [{ section: 'General', name: 'lr', value: Number(id.slice(1)) / 10, type: 'float' }] };
      }
      if (path.endsWith('/metrics/last')) {
        return {
          loss: { train: { last: 1 }, val: { last: 2 } },
          ':monitor:machine': { cpu_usage: { last: 1 }, memory_used_gb: { last: 2 } }
        };
      }
      if (path.startsWith('scalars')) {
        const ids = String((request.query as { tasks: string[] }).tasks).split(',');
        return { tasks: Object.fromEntries(ids.map(t => [t, { loss: { train: { x: [0, 1], y: [1, 0] } } }])) };
      }
      throw new Error(`unexpected ${path}`);
    }) as never;
    return { client: new TrackClient(transport), requests };
  }

  it('draws the first ten of twelve, lists the rest, and reads a chart in one request', async () => {
    const { client, requests } = fake();
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const model = new CompareModel(client, ids);
    await model.load();
    expect(model.tasks).toHaveLength(12);
    expect(model.shownIds).toEqual(ids.slice(0, 10));
    expect(model.charts.map(c => c.title)).toEqual(['loss', ':monitor:machine (%)', ':monitor:machine (GB)']);
    expect(model.diff[0].differs).toBe(true);
    requests.length = 0;
    const data = await model.chartData(model.charts[0], 'iter');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^scalars\?metrics=loss%2Ftrain&metrics=loss%2Fval/);
    expect([...data.keys()]).toEqual(ids.slice(0, 10));
    model.setShown('t11', true);
    expect(model.shownIds).toContain('t11');
    expect(model.color('t3')).toBe(taskColor(3));
  });

  it('adds and removes tasks, keeping colours by place and the limit of 100', async () => {
    const { client } = fake();
    const model = new CompareModel(client, ['t1', 't2']);
    await model.load();
    await model.add(['t3', 't1']);
    expect(model.ids).toEqual(['t1', 't2', 't3']);
    expect(model.isShown('t3')).toBe(true);
    model.remove('t2');
    expect(model.ids).toEqual(['t1', 't3']);
    expect(model.tasks.map(t => t.task.id)).toEqual(['t1', 't3']);
    await model.add(Array.from({ length: MAX_COMPARED + 5 }, (_, i) => `x${i}`));
    expect(model.ids).toHaveLength(MAX_COMPARED);
    expect(model.error).toMatch(/at most 100 tasks/);
  });
});

describe('scalars: units, axes', () => {
  it('knows the monitor units and splits monitor charts by unit, after the user metrics', () => {
    expect(
      ['cpu_usage', 'gpu_0_mem_used_gb', 'network_rx_mbs', 'cpu_temperature', 'disk_free_percent'].map(monitorUnit)
    ).toEqual(['%', 'GB', 'MB/s', '°C', '%']);
    const charts = chartsFromSummaries([
      { title: ':monitor:machine', series: 'cpu_usage' },
      { title: 'loss', series: 'train' },
      { title: ':monitor:machine', series: 'memory_used_gb' }
    ]);
    expect(charts.map(c => c.title)).toEqual(['loss', ':monitor:machine (%)', ':monitor:machine (GB)']);
    expect(charts[2].series).toEqual([':monitor:machine/memory_used_gb']);
  });

  it('draws wall time from the server milliseconds as they are, and relative time in seconds', () => {
    const ms = [1.7e12, 1.7e12 + 2500];
    expect(xForAxis(ms, 'timestamp')).toEqual(ms); // not multiplied by 1000 again
    expect(xForAxis(ms, 'relative', earliestX([{ x: ms }]))).toEqual([0, 2.5]);
  });
});

describe('debug samples', () => {
  const s = (title: string, iteration: number) => ({ title, series: 's', iteration });
  it('groups per title/series with their own iterations and finds the nearest earlier one', () => {
    const groups = groupSamples([s('a', 10), s('b', 5), s('a', 0), s('a', 20)]);
    expect(groups.map(g => [g.key, g.iterations])).toEqual([
      ['a / s', [0, 10, 20]],
      ['b / s', [5]]
    ]);
    expect(sampleAt(groups[0].samples, 15)?.iteration).toBe(10);
    expect(sampleAt(groups[1].samples, 0)?.iteration).toBe(5);
    expect(stepIteration([0, 10, 20], 10, 1)).toBe(20);
    expect(stepIteration([0, 10, 20], 20, 1)).toBe(20);
    expect(
      unionIterations([
        [0, 10],
        [5, 10]
      ])
    ).toEqual([0, 5, 10]);
  });
});

describe('execution editing', () => {
  it('splits and joins arguments as a shell would', () => {
    expect(splitArgs(`--name "my run" --lr=0.1 'a b' c\\ d ""`)).toEqual([
      '--name',
      'my run',
      '--lr=0.1',
      'a b',
      'c d',
      ''
    ]);
    const args = ['--name', 'my run', "it's", ''];
    expect(splitArgs(joinArgs(args))).toEqual(args);
    expect(() => splitArgs('"open')).toThrow(/unclosed/);
  });

  it('reads environment lines and names a bad one', () => {
    expect(parseEnvironment('# comment\nA=1\n\nB = x=y')).toEqual({ A: '1', B: ' x=y' });
    expect(() => parseEnvironment('A=1\n1X=2')).toThrow(/line 2/);
    expect(formatEnvironment({ A: '1', B: 'x' })).toBe('A=1\nB=x');
  });
});

describe('tags and model values', () => {
  it('adds tags without duplicates and keeps a picked colour', () => {
    expect(addTags(['a'], 'b, a ,c,')).toEqual(['a', 'b', 'c']);
    expect(tagColor('best')).toBe(defaultTagColor('best'));
    setTagColor('best', '#123456');
    expect(tagColor('best')).toBe('#123456');
    setTagColor('best', null);
    expect(tagColor('best')).toBe(defaultTagColor('best'));
  });

  it('says a URL-only model size is unknown, and types metadata as the SDK does', () => {
    expect(weightsSize({ size: 0, blob_sha256: null, url: 's3://b/model.pt' })).toBe('unknown');
    expect(weightsSize({ size: 256, blob_sha256: 'ab', url: null })).toBe('256 B');
    expect(metadataValue({ value: '0.912', type: 'float' })).toBe(0.912);
    expect(metadataValue({ value: 'true', type: 'bool' })).toBe(true);
    expect(metadataValue({ value: '0.9', type: 'str' })).toBe('0.9');
    expect(parseMetadataInput('12')).toBe(12);
    expect(parseMetadataInput('false')).toBe(false);
    expect(parseMetadataInput('digits v2')).toBe('digits v2');
  });
});

describe('CSV previews', () => {
  it('keeps quoted commas, quotes and line breaks in one cell, aligned with the header', () => {
    const text =
      'PassengerId,Survived,Name,Sex\r\n1,0,"Braund, Mr. Owen Harris",male\n2,1,"Cumings, Mrs. John Bradley (Florence ""Briggs"" Thayer)",female\n3,1,"two\nlines",female\n\n4,0,cut';
    const rows = parseCsv(text);
    expect(rows.map(r => r.length)).toEqual([4, 4, 4, 4, 3]);
    expect(rows[1][2]).toBe('Braund, Mr. Owen Harris');
    expect(rows[2][2]).toBe('Cumings, Mrs. John Bradley (Florence "Briggs" Thayer)');
    expect(rows[3][2]).toBe('two\nlines');
    expect(parseCsv(text, 2)).toHaveLength(2);
    expect(parseCsv('a\tb\n1\t2', Infinity, '\t')).toEqual([
      ['a', 'b'],
      ['1', '2']
    ]);
  });
});

describe('pipeline run bars', () => {
  it('draws a failed run in red and grey, not as a full green bar', () => {
    const run = { steps: 6, step_status: { completed: 2, failed: 1, skipped: 3 } } as never;
    expect(progressParts(run)).toEqual([
      { kind: 'completed', fraction: 2 / 6 },
      { kind: 'failed', fraction: 1 / 6 },
      { kind: 'stopped', fraction: 3 / 6 }
    ]);
    expect(progressParts({ steps: 0, step_status: {} } as never)).toEqual([]);
  });
});

describe('hand-reported and auto-logged series of one title', () => {
  it('gives a few hand-reported points their own chart beside a 1,000-iteration curve', () => {
    const charts = chartsFromSummaries([
      { title: 'loss', series: 'learn', last_iter: 999, count: 1000 },
      { title: 'loss', series: 'validation', last_iter: 999, count: 1000 },
      { title: 'loss', series: 'hand', last_iter: 2, count: 3 },
      { title: 'acc', series: 'a', last_iter: 5, count: 6 },
      { title: 'acc', series: 'b', last_iter: 0, count: 1 }
    ]);
    expect(charts.map(c => [c.title, c.series])).toEqual([
      ['loss', ['loss/learn', 'loss/validation']],
      ['loss (iterations 0–2)', ['loss/hand']],
      ['acc', ['acc/a', 'acc/b']] // short runs both: one chart, as they share an axis
    ]);
  });
});
