/** Pure helpers of the compare view: parameter diff and single-values table. */

import type { IParam, ISingleValue } from '../api/shapes';

export interface IDiffRow {
  key: string;
  /** One cell per task, in the order of the tasks compared; undefined = task lacks the key. */
  values: (string | undefined)[];
  differs: boolean;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** Rows of `section/name` for the union of all tasks' parameters, flagged when they differ. */
export function paramDiff(perTask: Pick<IParam, 'section' | 'name' | 'value'>[][]): IDiffRow[] {
  const keys = new Set<string>();
  const maps = perTask.map(params => {
    const map = new Map<string, string>();
    for (const p of params) {
      const key = `${p.section}/${p.name}`;
      keys.add(key);
      map.set(key, formatValue(p.value));
    }
    return map;
  });
  return [...keys].sort().map(key => {
    const values = maps.map(m => m.get(key));
    return { key, values, differs: new Set(values).size > 1 };
  });
}

/** Single values (e.g. "Best ROC AUC") of each task side by side. */
export function singleValueTable(perTask: ISingleValue[][]): IDiffRow[] {
  return paramDiff(perTask.map(values => values.map(v => ({ section: 'single', name: v.name, value: v.value })))).map(
    row => ({ ...row, key: row.key.slice('single/'.length) })
  );
}
