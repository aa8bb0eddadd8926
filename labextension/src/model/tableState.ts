/**
 * The task table's layout and the state a reload, a link or a saved view brings back: the
 * project, filters, sort, shown columns in order and their widths. Plain data, no DOM.
 */

import type { IFilters, ISort } from './experiments';

/** Task fields the table can show (extra columns are `metric:…`, `metric_min:…`, `param:…`). */
export const BASE_COLUMNS = [
  'status',
  'name',
  'type',
  'project_name',
  'tags',
  'user',
  'created',
  'started',
  'last_update',
  'duration',
  'last_iteration',
  'id'
];

export const DEFAULT_LAYOUT = ['status', 'name', 'type', 'tags', 'user', 'started', 'duration'];

export const COLUMN_LABELS: Record<string, string> = {
  status: 'Status',
  name: 'Name',
  type: 'Type',
  project_name: 'Project',
  tags: 'Tags',
  user: 'User',
  created: 'Created',
  started: 'Started',
  last_update: 'Updated',
  duration: 'Duration',
  last_iteration: 'Iterations',
  id: 'ID'
};

/** Columns the server cannot sort by. */
export const UNSORTABLE = new Set(['tags', 'duration']);

export interface ITableState {
  project: string;
  filters: IFilters;
  sort: ISort;
  layout: string[];
  widths: Record<string, number>;
}

export function isExtraColumn(key: string): boolean {
  return /^(metric|metric_min|metric_max|param):[^/]+\/.+/.test(key);
}

/** "metric_min:loss/val" -> "loss/val (min)"; "param:General/lr" -> "General/lr". */
export function columnLabel(key: string): string {
  const m = /^(metric|metric_min|metric_max|param):(.*)$/.exec(key);
  if (!m) {
    return COLUMN_LABELS[key] ?? key;
  }
  const suffix = { metric: ' (last)', metric_min: ' (min)', metric_max: ' (max)', param: '' }[m[1]] ?? '';
  return m[2] + suffix;
}

/** Saved views: named states per project path ('' for every project). */
export type SavedViews = Record<string, Record<string, ITableState>>;

export function saveView(views: SavedViews, project: string, name: string, state: ITableState): SavedViews {
  return { ...views, [project]: { ...(views[project] ?? {}), [name]: state } };
}

export function deleteView(views: SavedViews, project: string, name: string): SavedViews {
  const mine = { ...(views[project] ?? {}) };
  delete mine[name];
  return { ...views, [project]: mine };
}
