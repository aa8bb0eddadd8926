import * as React from 'react';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';

import type { IQueue, IQueueEntry, IWorker } from '../api/shapes';
import { formatAgo, formatTime } from '../model/format';
import { ILauncherSummary, launcherLine, launcherOf, launcherState, launcherTitle } from '../model/launchers';
import { MoveTarget, QueuesModel } from '../model/queues';
import { ErrorLine, StatusBadge, useAction, useSignal } from './common';
import { useEnv } from './env';
import { VirtualList } from './virtual';

const ENTRY_HEIGHT = 46;
const WORKER_HEIGHT = 46;
/** A queue shows this many entries before its list scrolls (only the rows in view exist). */
const VISIBLE_ENTRIES = 8;

const confirm = async (title: string, body: string, label: string) =>
  (await showDialog({ title, body, buttons: [Dialog.cancelButton(), Dialog.warnButton({ label })] })).button.accept;

/** The Queues panel: every queue with its entries (reorder, move, dequeue, abort), then the workers. */
export function QueuesPanel(props: { model: QueuesModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const [error, run, busy] = useAction();
  React.useEffect(() => void model.refresh(), [model]);

  const create = () =>
    run(async () => {
      const answer = await InputDialog.getText({ title: 'New queue', label: 'Name', placeholder: 'gpu' });
      if (answer.button.accept && answer.value) {
        await model.createQueue(answer.value);
      }
    });

  return (
    <div className="je-queues">
      <div className="je-toolbar">
        <span className="je-section-title">Queues</span>
        <button className="je-btn" data-action="new-queue" disabled={busy} onClick={() => void create()}>
          New queue
        </button>
        <button className="je-btn" title="Read again" onClick={() => void model.refresh()}>
          ⟳
        </button>
      </div>
      <ErrorLine error={error || model.error} />
      <div className="je-queue-list">
        {model.queues.map(q => (
          <QueueSection key={q.id || q.name} model={model} queue={q} run={run} />
        ))}
        {model.loaded && model.queues.length === 0 ? (
          <div className="je-empty">No queues yet. Enqueue a task or create one.</div>
        ) : null}
      </div>
      <WorkersList model={model} />
    </div>
  );
}

function QueueSection(props: {
  model: QueuesModel;
  queue: IQueue;
  run: (a: () => Promise<unknown>) => Promise<void>;
}): JSX.Element {
  const { model, queue, run } = props;
  const [open, setOpen] = React.useState(true);
  const [dropAt, setDropAt] = React.useState<number | null>(null);
  const listeners = model.workersOf(queue);
  const others = model.queues.filter(q => q.name !== queue.name).map(q => q.name);
  const entries = queue.entries;

  const remove = () =>
    run(async () => {
      const n = entries.length;
      const body = n
        ? `"${queue.name}" holds ${n} task(s); they go back to draft.`
        : `Delete the empty queue "${queue.name}"?`;
      if (await confirm('Delete queue', body, 'Delete')) {
        await model.deleteQueue(queue.name, n > 0);
      }
    });

  // Drag and drop: an entry dropped on a row lands at that row's place; on another queue's
  // header it moves to the end of that queue.
  const onDrop = (e: React.DragEvent, index: number | null) => {
    e.preventDefault();
    setDropAt(null);
    const data = e.dataTransfer.getData('application/x-je-entry');
    if (!data) {
      return;
    }
    const { task, from } = JSON.parse(data) as { task: string; from: string };
    if (from !== queue.name) {
      void run(() => model.moveToQueue(task, queue.name));
    } else if (index !== null) {
      void run(() => model.move(queue.name, task, index));
    }
  };

  return (
    <div className="je-queue" data-queue={queue.name}>
      <div
        className="je-queue-head"
        onClick={() => setOpen(!open)}
        onDragOver={e => e.preventDefault()}
        onDrop={e => onDrop(e, null)}
      >
        <span className="je-twisty">{open ? '▾' : '▸'}</span>
        <span className="je-queue-name">{queue.name}</span>
        <span className="je-count" data-count={queue.count ?? entries.length}>
          {queue.count ?? entries.length} queued · {listeners.length} worker{listeners.length === 1 ? '' : 's'}
        </span>
        <button
          className="je-icon-btn"
          title={`Delete queue ${queue.name}`}
          aria-label={`Delete queue ${queue.name}`}
          data-action="delete-queue"
          onClick={e => (e.stopPropagation(), void remove())}
        >
          ✕
        </button>
      </div>
      {open && entries.length > 0 ? (
        <div
          className="je-queue-entries"
          style={{ height: Math.min(entries.length, VISIBLE_ENTRIES) * ENTRY_HEIGHT + 2 }}
        >
          <VirtualList
            count={entries.length}
            rowHeight={ENTRY_HEIGHT}
            renderRow={(i, style) => (
              <EntryRow
                key={entries[i].task_id}
                style={style}
                entry={entries[i]}
                index={i}
                last={entries.length - 1}
                queue={queue.name}
                others={others}
                model={model}
                run={run}
                dropTarget={dropAt === i}
                onDragOver={() => setDropAt(i)}
                onDrop={e => onDrop(e, i)}
              />
            )}
          />
        </div>
      ) : null}
      {open && entries.length === 0 ? <div className="je-empty je-small">Empty.</div> : null}
    </div>
  );
}

function EntryRow(props: {
  style: React.CSSProperties;
  entry: IQueueEntry;
  index: number;
  last: number;
  queue: string;
  others: string[];
  model: QueuesModel;
  run: (a: () => Promise<unknown>) => Promise<void>;
  dropTarget: boolean;
  onDragOver: () => void;
  onDrop: (e: React.DragEvent) => void;
}): JSX.Element {
  const { entry, index, last, queue, model, run } = props;
  const env = useEnv();
  const move = (to: MoveTarget) => void run(() => model.move(queue, entry.task_id, to));
  const button = (label: string, title: string, action: string, disabled: boolean, onClick: () => void) => (
    <button
      className="je-icon-btn"
      title={title}
      aria-label={title}
      data-action={action}
      disabled={disabled}
      onClick={onClick}
    >
      {label}
    </button>
  );
  return (
    <div
      style={props.style}
      className={`je-row je-entry ${props.dropTarget ? 'je-drop-target' : ''}`}
      data-task-id={entry.task_id}
      data-task-name={entry.name ?? ''}
      data-index={index}
      draggable
      onDragStart={e => {
        e.dataTransfer.setData('application/x-je-entry', JSON.stringify({ task: entry.task_id, from: queue }));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={e => (e.preventDefault(), props.onDragOver())}
      onDrop={props.onDrop}
    >
      <div className="je-entry-main">
        <div className="je-entry-line">
          <span className="je-entry-pos">{index + 1}.</span>
          <a
            href="#"
            className="je-entry-name"
            title={entry.task_id}
            onClick={e => (e.preventDefault(), env.openTask(entry.task_id))}
          >
            {entry.name ?? entry.task_id}
          </a>
          <StatusBadge status={entry.status ?? 'queued'} />
        </div>
        <div className="je-entry-line je-dim">
          <span className="je-entry-project">{entry.project}</span>
          <span title={formatTime(entry.added)}>queued {formatAgo(entry.added)}</span>
        </div>
      </div>
      <div className="je-entry-actions">
        {button('⤒', 'Move to top', 'top', index === 0, () => move('top'))}
        {button('↑', 'Move up', 'up', index === 0, () => move('up'))}
        {button('↓', 'Move down', 'down', index === last, () => move('down'))}
        {button('⤓', 'Move to bottom', 'bottom', index === last, () => move('bottom'))}
        {props.others.length ? (
          <select
            className="je-select je-move-queue"
            aria-label="Move to queue"
            title="Move to another queue"
            value=""
            onChange={e => {
              const to = e.target.value;
              if (to) {
                void run(() => model.moveToQueue(entry.task_id, to));
              }
            }}
          >
            <option value="">→</option>
            {props.others.map(o => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : null}
        {button('⏏', 'Dequeue (back to draft)', 'dequeue', false, () => void run(() => model.dequeue(entry.task_id)))}
        {button(
          '■',
          'Abort',
          'abort',
          false,
          () =>
            void run(async () => {
              if (
                await confirm(
                  'Abort task',
                  `Abort "${entry.name ?? entry.task_id}"? It leaves the queue as aborted.`,
                  'Abort'
                )
              ) {
                await model.abort(entry.task_id);
              }
            })
        )}
      </div>
    </div>
  );
}

function WorkersList(props: { model: QueuesModel }): JSX.Element {
  const { model } = props;
  const env = useEnv();
  const workers = model.workers;
  return (
    <div className="je-workers">
      <div className="je-toolbar">
        <span className="je-section-title">Workers</span>
        <span className="je-count">{workers.length}</span>
      </div>
      {model.loaded && workers.length === 0 ? (
        <div className="je-empty je-small">
          No worker. Start one with <code>jupyter track agent daemon --queues default</code>.
        </div>
      ) : null}
      <VirtualList
        className="je-list je-worker-list"
        count={workers.length}
        rowHeight={WORKER_HEIGHT}
        renderRow={(i, style) => (
          <WorkerRow key={workers[i].id} style={style} worker={workers[i]} openTask={env.openTask} />
        )}
      />
    </div>
  );
}

function WorkerRow(props: {
  style: React.CSSProperties;
  worker: IWorker;
  openTask: (id: string) => void;
}): JSX.Element {
  const w = props.worker;
  const task = w.task;
  const launcher = launcherOf(w.stats as Record<string, unknown> | undefined);
  const state = launcher ? launcherState(w.state, launcher) : w.state;
  return (
    <div style={props.style} className="je-row je-worker" data-worker={w.id} data-state={w.state}>
      <div className="je-entry-main">
        <div className="je-entry-line">
          <span className={`je-worker-state je-worker-${state}`}>{state}</span>
          <span className="je-worker-id" title={workerTitle(w)}>
            {w.id}
          </span>
          <span className="je-dim je-worker-seen" title={formatTime(w.last_seen)}>
            {formatAgo(w.last_seen)}
          </span>
        </div>
        <div className="je-entry-line je-dim">
          <span title="Queues it listens to">{w.queues.join(', ')}</span>
          {launcher ? <LauncherJobs launcher={launcher} openTask={props.openTask} /> : null}
          {task && !launcher ? (
            <a
              href="#"
              className="je-worker-task"
              data-task-id={task.id}
              title={task.id}
              onClick={e => (e.preventDefault(), props.openTask(task.id))}
            >
              ▶ {task.name ?? task.id}
            </a>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** A launcher's jobs: how many run and wait, and the job ids, each opening its task. */
function LauncherJobs(props: { launcher: ILauncherSummary; openTask: (id: string) => void }): JSX.Element {
  const { launcher } = props;
  return (
    <span className="je-worker-jobs" data-launcher={launcher.kind} title={launcherTitle(launcher)}>
      <span className="je-worker-jobs-count">{launcherLine(launcher)}</span>
      {launcher.jobs.slice(0, 8).map(j => (
        <a
          key={j.job}
          href="#"
          className={`je-worker-job je-job-${j.phase}`}
          data-job-id={j.job}
          data-task-id={j.task}
          onClick={e => (e.preventDefault(), props.openTask(j.task))}
        >
          {j.job}
        </a>
      ))}
    </span>
  );
}

/** Host, pid, user and the last stats, for the tooltip of a worker. */
function workerTitle(w: IWorker): string {
  const parts = [w.id];
  for (const [key, value] of Object.entries({ ...(w.info ?? {}), ...(w.stats ?? {}) })) {
    if (value !== null && typeof value !== 'object') {
      parts.push(`${key}: ${value}`);
    }
  }
  return parts.join('\n');
}
