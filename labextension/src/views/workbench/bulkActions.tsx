import * as React from 'react';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';

import { ACTION_LABELS, applicable, BULK_ACTIONS, BulkAction, canRun, DESTRUCTIVE, whyNot } from '../../model/actions';
import { ExperimentsModel } from '../../model/experiments';

/** The names of the tasks an action touches, for its dialog (every one, up to 25). */
function TaskList(props: { names: string[] }): JSX.Element {
  const shown = props.names.slice(0, 25);
  return (
    <div className="je-dialog-tasks">
      <ul>
        {shown.map((n, i) => (
          <li key={i}>{n}</li>
        ))}
      </ul>
      {props.names.length > shown.length ? <div>… and {props.names.length - shown.length} more</div> : null}
    </div>
  );
}

const VERBS: Partial<Record<BulkAction, string>> = {
  delete: 'Delete these tasks and everything they reported? This cannot be undone.',
  reset: 'Reset these tasks to draft? Their reported results are cleared.',
  abort: 'Abort these tasks? Pending ones leave their queue; running ones are asked to stop.',
  publish: 'Publish these tasks? Published results are final and cannot be edited or reset.'
};

/**
 * Run one bulk action on the selection: ask what it needs (a queue, a project, a tag),
 * confirm destructive ones naming every task, then act on the tasks it applies to.
 * Resolves false when the user cancelled.
 */
export async function runBulk(
  model: ExperimentsModel,
  action: BulkAction,
  compare: (ids: string[]) => void
): Promise<boolean> {
  const selected = model.selectedTasks();
  const targets = applicable(action, selected);
  if (action === 'compare') {
    compare(selected.map(t => t.id));
    return true;
  }
  if (DESTRUCTIVE.has(action)) {
    const skipped = selected.length - targets.length;
    const body = (
      <div>
        <p>{VERBS[action]}</p>
        <TaskList names={targets.map(t => t.name)} />
        {skipped ? (
          <p className="je-muted">
            {skipped} selected task(s) are left alone: {whyNot(action, selected)}
          </p>
        ) : null}
      </div>
    );
    const answer = await showDialog({
      title: `${ACTION_LABELS[action]} ${targets.length} task${targets.length === 1 ? '' : 's'}`,
      body,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: ACTION_LABELS[action] })]
    });
    if (!answer.button.accept) {
      return false;
    }
  }
  switch (action) {
    case 'delete':
      await model.deleteSelected();
      return true;
    case 'reset':
      await model.resetSelected();
      return true;
    case 'abort':
      await model.abortSelected();
      return true;
    case 'publish':
      await model.publishSelected();
      return true;
    case 'clone':
      await model.cloneSelected();
      return true;
    case 'dequeue':
      await model.dequeueSelected();
      return true;
    case 'archive':
    case 'restore':
      await model.archiveSelected(action === 'archive');
      return true;
    case 'enqueue': {
      const queues = (await model.client.queues()).map(q => q.name);
      const answer = await InputDialog.getItem({
        title: `Enqueue ${targets.length} task(s) into`,
        items: queues.length ? queues : ['default'],
        editable: true
      });
      if (!answer.button.accept || !answer.value) {
        return false;
      }
      await model.enqueueSelected(answer.value);
      return true;
    }
    case 'move': {
      const answer = await InputDialog.getItem({
        title: `Move ${targets.length} task(s) to project`,
        items: model.projects.filter(p => !p.hidden).map(p => p.path || p.name),
        editable: true
      });
      if (!answer.button.accept || !answer.value) {
        return false;
      }
      await model.moveSelected(answer.value);
      return true;
    }
    case 'tag':
    case 'untag': {
      const answer = await InputDialog.getText({
        title: `${ACTION_LABELS[action]} on ${targets.length} task(s)`,
        label: 'Tag'
      });
      if (!answer.button.accept || !answer.value) {
        return false;
      }
      await model.tagSelected(answer.value.trim(), action === 'untag');
      return true;
    }
  }
  return false;
}

function label(action: BulkAction, total: number, applies: number): string {
  return applies && applies < total && action !== 'compare'
    ? `${ACTION_LABELS[action]} (${applies} of ${total})`
    : ACTION_LABELS[action];
}

/** The bulk toolbar: each action enabled only when it can succeed for some selected task. */
export function BulkBar(props: {
  model: ExperimentsModel;
  run: (action: BulkAction) => void;
  busy: boolean;
}): JSX.Element {
  const selected = props.model.selectedTasks();
  const actions = BULK_ACTIONS.filter(
    a => (a === 'restore') === props.model.filters.archived || (a !== 'archive' && a !== 'restore')
  );
  return (
    <div className="je-toolbar je-bulk" role="toolbar" aria-label="Actions on the selected tasks">
      {actions.map(a => {
        const ok = !props.busy && canRun(a, selected);
        return (
          <button
            key={a}
            className={`je-btn ${a === 'delete' ? 'je-danger' : ''}`}
            data-action={a}
            disabled={!ok}
            title={ok ? ACTION_LABELS[a] : whyNot(a, selected)}
            onClick={() => props.run(a)}
          >
            {label(a, selected.length, applicable(a, selected).length)}
          </button>
        );
      })}
    </div>
  );
}

/** The right-click menu of a row: the same actions as the toolbar, plus open. */
export function RowMenu(props: {
  model: ExperimentsModel;
  x: number;
  y: number;
  onOpen: () => void;
  run: (action: BulkAction) => void;
  onClose: () => void;
}): JSX.Element {
  const selected = props.model.selectedTasks();
  React.useEffect(() => {
    const close = () => props.onClose();
    const key = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('click', close);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('keydown', key);
    };
  }, []);
  const actions = BULK_ACTIONS.filter(
    a => (a === 'restore') === props.model.filters.archived || (a !== 'archive' && a !== 'restore')
  );
  return (
    <div className="je-menu" role="menu" style={{ left: props.x, top: props.y }} onClick={e => e.stopPropagation()}>
      <button
        role="menuitem"
        className="je-menu-item"
        disabled={selected.length !== 1}
        onClick={() => (props.onClose(), props.onOpen())}
      >
        Open
      </button>
      {actions.map(a => {
        const ok = canRun(a, selected);
        return (
          <button
            key={a}
            role="menuitem"
            className="je-menu-item"
            data-menu-action={a}
            disabled={!ok}
            title={ok ? '' : whyNot(a, selected)}
            onClick={() => {
              props.onClose();
              props.run(a);
            }}
          >
            {label(a, selected.length, applicable(a, selected).length)}
          </button>
        );
      })}
    </div>
  );
}
