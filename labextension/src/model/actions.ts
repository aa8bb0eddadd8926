/**
 * Which bulk actions the selected tasks allow (by their statuses, the server's own rules), and
 * errors in the words of the UI: a table user is never told to call `task.reset()` or pass
 * `force=True`.
 */

export type BulkAction =
  | 'compare'
  | 'clone'
  | 'enqueue'
  | 'dequeue'
  | 'abort'
  | 'reset'
  | 'publish'
  | 'archive'
  | 'restore'
  | 'move'
  | 'tag'
  | 'untag'
  | 'delete';

export const BULK_ACTIONS: BulkAction[] = [
  'compare',
  'clone',
  'enqueue',
  'dequeue',
  'abort',
  'reset',
  'publish',
  'archive',
  'restore',
  'move',
  'tag',
  'untag',
  'delete'
];

export const ACTION_LABELS: Record<BulkAction, string> = {
  compare: 'Compare',
  clone: 'Clone',
  enqueue: 'Enqueue',
  dequeue: 'Dequeue',
  abort: 'Abort',
  reset: 'Reset',
  publish: 'Publish',
  archive: 'Archive',
  restore: 'Restore',
  move: 'Move to project',
  tag: 'Add tag',
  untag: 'Remove tag',
  delete: 'Delete'
};

/** Actions that lose something: their dialog names every task they touch. */
export const DESTRUCTIVE: ReadonlySet<BulkAction> = new Set<BulkAction>(['reset', 'delete', 'abort', 'publish']);

export interface ISelected {
  id: string;
  name: string;
  status: string;
  archived?: boolean;
}

/** The statuses a task may be in for each action (core/rules/status.py and core/tasks.py). */
const ALLOWED: Record<BulkAction, ReadonlySet<string> | 'any'> = {
  compare: 'any',
  clone: 'any',
  enqueue: new Set(['created', 'stopped', 'failed']),
  dequeue: new Set(['queued']),
  abort: new Set(['queued', 'in_progress']),
  reset: new Set(['stopped', 'completed', 'failed', 'closed']),
  publish: new Set(['completed', 'stopped', 'closed']),
  archive: new Set(['created', 'stopped', 'completed', 'failed', 'published', 'closed']),
  restore: 'any',
  move: 'any',
  tag: 'any',
  untag: 'any',
  delete: new Set(['created', 'stopped', 'completed', 'failed', 'closed', 'queued'])
};

/** The selected tasks an action applies to. */
export function applicable(action: BulkAction, tasks: ISelected[]): ISelected[] {
  const allowed = ALLOWED[action];
  let out = allowed === 'any' ? tasks : tasks.filter(t => allowed.has(t.status));
  if (action === 'archive') {
    out = out.filter(t => !t.archived);
  } else if (action === 'restore') {
    out = out.filter(t => t.archived);
  }
  return out;
}

/** Whether the action is offered for this selection. */
export function canRun(action: BulkAction, tasks: ISelected[]): boolean {
  if (action === 'compare') {
    return tasks.length >= 2;
  }
  return applicable(action, tasks).length > 0;
}

/** Why an action is not offered, for its tooltip. */
export function whyNot(action: BulkAction, tasks: ISelected[]): string {
  if (!tasks.length) {
    return 'Select tasks first';
  }
  if (action === 'compare') {
    return 'Select at least two tasks to compare';
  }
  const reasons: Partial<Record<BulkAction, string>> = {
    enqueue: 'Only draft, aborted or failed tasks can be enqueued (clone a finished one)',
    dequeue: 'Only pending (queued) tasks can be dequeued',
    abort: 'Only pending or running tasks can be aborted',
    reset: 'Only aborted, completed, failed or closed tasks can be reset',
    publish: 'Only completed, aborted or closed tasks can be published',
    archive: 'Running and pending tasks cannot be archived; archived ones can only be restored',
    restore: 'None of the selected tasks is archived',
    delete: 'Running and published tasks cannot be deleted (abort a running task first)'
  };
  return reasons[action] ?? '';
}

/** A server error turned into words for a UI user (no SDK calls, no `force=True`). */
export function uiError(message: string): string {
  let text = message
    .replace(/\s*\(task\.[a-z_]+\(\)\)/g, '')
    .replace(/;?\s*(or )?pass force=True[^;.]*/g, '')
    .replace(/\btask\.[a-z_]+\([^)]*\)/g, 'the task menu')
    .replace(/\bTask\.[a-z_]+\([^)]*\)/g, 'the task menu')
    .replace(/'in_progress'|\bin_progress\b/g, 'running')
    .replace(/'created'/g, 'draft')
    .replace(/'queued'|\bqueued\b/g, 'pending')
    .replace(/'stopped'|\bstopped\b/g, 'aborted')
    .replace(/\s{2,}/g, ' ')
    .trim();
  text = text.replace(/[;,]\s*$/, '');
  return text;
}
