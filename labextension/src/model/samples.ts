/** Pure helpers of debug samples: grouped per title/series, each with its own iterations. */

export interface ISampleLike {
  title: string;
  series: string;
  iteration: number;
}

export interface ISampleGroup<T extends ISampleLike> {
  key: string;
  title: string;
  series: string;
  /** The group's samples, oldest iteration first. */
  samples: T[];
  /** The distinct iterations, ascending. */
  iterations: number[];
}

/** One group per title/series, in the order first seen, each sorted by iteration. */
export function groupSamples<T extends ISampleLike>(samples: T[]): ISampleGroup<T>[] {
  const groups = new Map<string, ISampleGroup<T>>();
  for (const s of samples) {
    const key = `${s.title} / ${s.series}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, title: s.title, series: s.series, samples: [], iterations: [] };
      groups.set(key, g);
    }
    g.samples.push(s);
  }
  for (const g of groups.values()) {
    g.samples.sort((a, b) => a.iteration - b.iteration);
    g.iterations = [...new Set(g.samples.map(s => s.iteration))];
  }
  return [...groups.values()];
}

/** The latest sample at or before `iteration` (the first one when all are later); null when none. */
export function sampleAt<T extends ISampleLike>(samples: T[], iteration: number): T | null {
  let best: T | null = null;
  for (const s of samples) {
    if (s.iteration <= iteration && (!best || s.iteration >= best.iteration)) {
      best = s;
    }
  }
  return best ?? samples[0] ?? null;
}

/** The iteration `step` places away from `iteration` in `iterations` (clamped at both ends). */
export function stepIteration(iterations: number[], iteration: number, step: number): number {
  if (!iterations.length) {
    return iteration;
  }
  let i = iterations.findIndex(v => v >= iteration);
  if (i < 0) {
    i = iterations.length - 1;
  }
  return iterations[Math.max(0, Math.min(iterations.length - 1, i + step))];
}

/** The union of several lists of iterations, ascending (the compare view's shared slider). */
export function unionIterations(lists: number[][]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}
