import * as React from 'react';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';

import { TaskModel } from '../../model/task';
import { ErrorLine, StatusBadge, useAction, useSignal } from '../common';
import { IEnv, useEnv } from '../env';
import { ConfigTab, InfoTab } from './infoTabs';
import { ExecutionTab } from './executionTab';
import { NotebookActions, NotebookTab, useShowCell } from './notebookTab';
import { ArtifactsTab, ConsoleTab, DebugSamplesTab, ModelsTab, PlotsTab } from './resultTabs';
import { ScalarsTab } from './scalarsTab';

export const TABS = [
  'Info',
  'Configuration',
  'Scalars',
  'Plots',
  'Debug samples',
  'Console',
  'Artifacts',
  'Execution',
  'Models',
  'Notebook'
] as const;
export type TabName = (typeof TABS)[number];

function TabBody(props: { tab: TabName; model: TaskModel }): JSX.Element {
  switch (props.tab) {
    case 'Info':
      return <InfoTab model={props.model} />;
    case 'Configuration':
      return <ConfigTab model={props.model} />;
    case 'Scalars':
      return <ScalarsTab model={props.model} />;
    case 'Plots':
      return <PlotsTab model={props.model} />;
    case 'Debug samples':
      return <DebugSamplesTab model={props.model} />;
    case 'Console':
      return <ConsoleTab model={props.model} />;
    case 'Artifacts':
      return <ArtifactsTab model={props.model} />;
    case 'Execution':
      return <ExecutionTab model={props.model} />;
    case 'Models':
      return <ModelsTab model={props.model} />;
    case 'Notebook':
      return <NotebookTab model={props.model} />;
  }
}

/** Ask which queue (the known ones, `default` first; a new name may be typed); null if cancelled. */
async function pickQueue(env: IEnv, title: string): Promise<string | null> {
  let names: string[] = [];
  try {
    names = (await env.client.queues()).map(q => q.name);
  } catch {
    // No queue list (an older server): `default` still works, it is created on first use.
  }
  const items = ['default', ...names.filter(n => n !== 'default')];
  const answer = await InputDialog.getItem({ title, label: 'Queue', items, current: 0, editable: true });
  if (!answer.button.accept) {
    return null;
  }
  return (answer.value ?? '').trim() || 'default';
}

/** The task view in the main area: header with actions, then the guide's tabs. */
export function TaskView(props: { model: TaskModel; initialTab?: TabName; onGone: () => void }): JSX.Element {
  const { model } = props;
  const env = useEnv();
  useSignal(model.changed, p => p === 'task');
  const [tab, setTab] = React.useState<TabName>(props.initialTab ?? 'Info');
  const [error, run, busy] = useAction();
  React.useEffect(() => void model.load('task'), [model]);
  useShowCell(model, () => setTab('Notebook'));
  const t = model.task;

  const confirm = async (title: string, body: string, label: string) =>
    (await showDialog({ title, body, buttons: [Dialog.cancelButton(), Dialog.warnButton({ label })] })).button.accept;

  const actions = {
    clone: () =>
      run(async () => {
        const answer = await InputDialog.getText({
          title: 'Clone task',
          label: 'Name of the new draft',
          text: `Clone of ${t?.name ?? ''}`
        });
        if (answer.button.accept) {
          const clone = await model.clone(answer.value || undefined);
          env.openTask(clone.id);
        }
      }),
    reset: () =>
      run(async () => {
        if (
          await confirm('Reset task', 'Reset drops everything this task reported and makes it a draft again.', 'Reset')
        ) {
          await model.act('reset');
        }
      }),
    publish: () =>
      run(async () => {
        if (await confirm('Publish task', 'A published task can no longer change.', 'Publish')) {
          await model.act('publish');
        }
      }),
    archive: () => run(() => model.act(t?.archived ? 'unarchive' : 'archive')),
    remove: () =>
      run(async () => {
        if (await confirm('Delete task', `Delete "${t?.name}" and everything it reported?`, 'Delete')) {
          await model.remove();
          props.onGone();
        }
      }),
    enqueue: () =>
      run(async () => {
        const pick = await pickQueue(
          env,
          model.enqueueMode === 'clone' ? `Clone "${t?.name}" and enqueue` : `Enqueue "${t?.name}"`
        );
        if (pick === null) {
          return;
        }
        if (model.enqueueMode === 'clone') {
          const clone = await model.cloneAndEnqueue(pick, `Clone of ${t?.name ?? ''}`);
          env.openTask(clone.id);
        } else {
          await model.enqueue(pick);
        }
      }),
    dequeue: () => run(() => model.dequeue()),
    abort: () =>
      run(async () => {
        if (await confirm('Abort task', `Abort "${t?.name}"?`, 'Abort')) {
          await model.abort();
        }
      }),
    rename: () =>
      run(async () => {
        const answer = await InputDialog.getText({ title: 'Rename task', text: t?.name ?? '' });
        if (answer.button.accept && answer.value) {
          await model.update({ name: answer.value });
        }
      })
  };

  return (
    <div className="je-task-view" data-task-id={model.id}>
      <div className="je-task-header">
        <div className="je-task-title">
          {t ? <StatusBadge status={t.status} /> : null} <span className="je-task-name">{t?.name ?? model.id}</span>
          <span className="je-dim"> {t?.project_name ?? ''}</span>
          <NotebookActions model={model} />
        </div>
        <div className="je-toolbar">
          <button className="je-btn" data-action="clone" disabled={!t || busy} onClick={() => void actions.clone()}>
            Clone
          </button>
          <button
            className="je-btn"
            data-action="enqueue"
            disabled={!t || busy || model.enqueueMode === 'none'}
            title={
              model.enqueueMode === 'clone'
                ? 'A finished task runs again as a clone'
                : 'Send to a queue for a worker to run'
            }
            onClick={() => void actions.enqueue()}
          >
            {model.enqueueMode === 'clone' ? 'Clone & enqueue' : 'Enqueue'}
          </button>
          {t?.status === 'queued' ? (
            <button className="je-btn" data-action="dequeue" disabled={busy} onClick={() => void actions.dequeue()}>
              Dequeue
            </button>
          ) : null}
          {t && (t.status === 'queued' || t.status === 'in_progress') ? (
            <button className="je-btn" data-action="abort" disabled={busy} onClick={() => void actions.abort()}>
              Abort
            </button>
          ) : null}
          <button className="je-btn" data-action="rename" disabled={!t || busy} onClick={() => void actions.rename()}>
            Rename
          </button>
          <button
            className="je-btn"
            data-action="edit"
            disabled={!t}
            onClick={() => setTab('Configuration')}
            title="Edit the hyperparameters of a draft"
          >
            Edit
          </button>
          <button className="je-btn" data-action="reset" disabled={!t || busy} onClick={() => void actions.reset()}>
            Reset
          </button>
          <button
            className="je-btn"
            data-action="publish"
            disabled={!t || busy || t.status === 'published'}
            onClick={() => void actions.publish()}
          >
            Publish
          </button>
          <button className="je-btn" data-action="archive" disabled={!t || busy} onClick={() => void actions.archive()}>
            {t?.archived ? 'Restore' : 'Archive'}
          </button>
          <button className="je-btn" data-action="delete" disabled={!t || busy} onClick={() => void actions.remove()}>
            Delete
          </button>
        </div>
      </div>
      <ErrorLine error={error || model.errors.task} />
      <div className="je-tabs" role="tablist">
        {TABS.map(name => (
          <button
            key={name}
            role="tab"
            aria-selected={tab === name}
            className={`je-tab ${tab === name ? 'je-active' : ''}`}
            onClick={() => setTab(name)}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="je-tab-body">
        <TabBody tab={tab} model={model} />
      </div>
    </div>
  );
}
