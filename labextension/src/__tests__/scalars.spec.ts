import { paramDiff, singleValueTable } from '../model/compare';
import { formatDuration, taskDuration } from '../model/format';
import { chartsFromSummaries, filterCharts, forLogAxis, pointsPerSeries, smooth } from '../model/scalars';

describe('scalar chart helpers', () => {
  it('smoothing 0 is the identity and keeps gaps', () => {
    expect(smooth([1, null, 3], 0)).toEqual([1, null, 3]);
  });

  it('debiased smoothing keeps a constant series constant', () => {
    const out = smooth([5, 5, 5, 5], 0.9) as number[];
    out.forEach(v => expect(v).toBeCloseTo(5, 10));
  });

  it('smoothing follows a step slowly and skips non-finite values', () => {
    const out = smooth([0, 0, 10, null, 10], 0.5);
    expect(out[3]).toBeNull();
    expect(out[2] as number).toBeGreaterThan(0);
    expect(out[2] as number).toBeLessThan(10);
    expect(out[4] as number).toBeGreaterThan(out[2] as number);
  });

  it('a log axis gets gaps for values <= 0', () => {
    expect(forLogAxis([1, 0, -1, null, 2])).toEqual([1, null, null, null, 2]);
  });

  it('one chart per title, every series kept (no cap)', () => {
    const summaries = Array.from({ length: 300 }, (_, i) => ({ title: `t${i % 3}`, series: `s${i}` }));
    const charts = chartsFromSummaries(summaries);
    expect(charts.map(c => c.title)).toEqual(['t0', 't1', 't2']);
    expect(charts.reduce((n, c) => n + c.series.length, 0)).toBe(300);
  });

  it('points per series shrink as series grow, within bounds', () => {
    expect(pointsPerSeries(1)).toBe(2000);
    expect(pointsPerSeries(100)).toBe(200);
    expect(pointsPerSeries(50)).toBe(200);
    expect(pointsPerSeries(10)).toBe(1000);
  });

  it('filters charts by title or series text', () => {
    const charts = [
      { title: 'loss', series: ['loss/train', 'loss/val'] },
      { title: 'acc', series: ['acc/val'] }
    ];
    expect(filterCharts(charts, 'LOSS')).toEqual([charts[0]]);
    expect(filterCharts(charts, 'val').map(c => c.series)).toEqual([['loss/val'], ['acc/val']]);
  });
});

describe('compare helpers', () => {
  it('marks differing and missing parameters', () => {
    const rows = paramDiff([
      [
        { section: 'General', name: 'lr', value: 0.01 },
        { section: 'General', name: 'bs', value: 32 }
      ],
      [
        { section: 'General', name: 'lr', value: 0.03 },
        { section: 'General', name: 'bs', value: 32 },
        { section: 'Args', name: 'seed', value: 1 }
      ]
    ]);
    const byKey = Object.fromEntries(rows.map(r => [r.key, r]));
    expect(byKey['General/lr'].differs).toBe(true);
    expect(byKey['General/bs'].differs).toBe(false);
    expect(byKey['Args/seed'].values).toEqual([undefined, '1']);
    expect(byKey['Args/seed'].differs).toBe(true);
  });

  it('lays single values side by side', () => {
    const rows = singleValueTable([[{ name: 'auc', value: 0.9 }], [{ name: 'auc', value: 0.9 }]]);
    expect(rows).toEqual([{ key: 'auc', values: ['0.9', '0.9'], differs: false }]);
  });
});

describe('durations', () => {
  it('uses completion time, or now for a running task', () => {
    const started = '2026-01-01T00:00:00+00:00';
    expect(taskDuration({ started, completed: '2026-01-01T01:02:03+00:00' })).toBe(3723000);
    const now = Date.parse(started) + 5000;
    expect(taskDuration({ started, status: 'in_progress' }, now)).toBe(5000);
    expect(formatDuration(3723000)).toBe('1h 2m');
    expect(taskDuration({ started: null })).toBeNull();
  });
});

describe('chart request queue', () => {
  it('runs jobs in order, at most two at once', async () => {
    const { Limiter } = await import('../model/task');
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const job = (i: number) => async () => {
      started.push(i);
      active++;
      peak = Math.max(peak, active);
      await new Promise(r => setTimeout(r, 5));
      active--;
      return i;
    };
    const results = await Promise.all([0, 1, 2, 3, 4].map(i => limiter.run(job(i))));
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('a failing job does not stop the queue', async () => {
    const { Limiter } = await import('../model/task');
    const limiter = new Limiter(1);
    const failed = limiter.run(() => Promise.reject(new Error('no')));
    const next = limiter.run(() => Promise.resolve('yes'));
    await expect(failed).rejects.toThrow('no');
    await expect(next).resolves.toBe('yes');
  });
});
