import * as React from 'react';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';

import { formatTime } from '../../model/format';
import { flagged, NotebookModel, notebookOf, ResultKind } from '../../model/notebook';
import { TaskModel } from '../../model/task';
import { ErrorLine, useAction, useSignal } from '../common';
import { IEnv, useEnv } from '../env';

/** The notebook model of a task view. */
export function useNotebook(model: TaskModel): NotebookModel {
  const env = useEnv();
  const nb = notebookOf(model, env.client, model.id);
  useSignal(nb.changed, p => p === 'provenance');
  React.useEffect(() => void nb.load(), [nb]);
  return nb;
}

/** Switch the task view to its Notebook tab when "show the cell" is asked for. */
export function useShowCell(model: TaskModel, show: () => void): void {
  const env = useEnv();
  const nb = notebookOf(model, env.client, model.id);
  React.useEffect(() => {
    const slot = (_: NotebookModel, what: string) => {
      if (what === 'focus' && nb.focus && !(nb.focus.cellId && env.showLiveCell?.(nb.focus.cellId))) {
        show(); // no open notebook has the cell: the snapshot shows it
      }
    };
    nb.changed.connect(slot);
    return () => void nb.changed.disconnect(slot);
  }, [nb]);
}

/** "show the cell" beside a result: the cell execution that reported it. */
export function ShowCell(props: { model: TaskModel; kind: ResultKind; itemKey: string }): JSX.Element | null {
  const nb = useNotebook(props.model);
  const seq = nb.originOf(props.kind, props.itemKey);
  const run = nb.run(seq);
  if (seq === null || !run) {
    return null;
  }
  const where = run.cell_index !== null ? `cell ${run.cell_index + 1}` : 'its cell';
  return (
    <button
      className="je-link je-show-cell"
      data-action="show-cell"
      data-origin={seq}
      title={`Reported by ${where}, execution [${run.execution_count ?? ' '}]`}
      onClick={e => {
        e.stopPropagation();
        nb.showCell(seq);
      }}
    >
      show the cell [{run.execution_count ?? ' '}]
    </button>
  );
}

/** The warning badge: cells ran out of order, or were edited after they ran. */
export function HistoryBadge(props: { nb: NotebookModel }): JSX.Element | null {
  const messages = props.nb.warnings.filter(m => !m.includes('no longer in the notebook'));
  if (!messages.length) {
    return null;
  }
  const w = props.nb.provenance?.warnings ?? {};
  const label = [
    w.out_of_order?.length ? 'cells ran out of order' : '',
    w.edited_after_run?.length ? 'a cell was edited after it ran' : ''
  ]
    .filter(Boolean)
    .join(' / ');
  return (
    <span className="je-warn-badge" data-warning="history" title={messages.join('\n')}>
      ⚠ {label}
    </span>
  );
}

class RerunForm extends ReactWidget {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly queues: string[]
  ) {
    super();
    this.addClass('je-rerun-form');
  }

  render(): JSX.Element {
    const names = Object.keys(this.values);
    return (
      <div>
        <label>
          Queue <input className="je-input" list="je-rerun-queues" name="queue" defaultValue="default" />
          <datalist id="je-rerun-queues">
            {this.queues.map(q => (
              <option key={q} value={q} />
            ))}
          </datalist>
        </label>
        {names.length ? (
          <table className="je-grid">
            <tbody>
              {names.map(n => (
                <tr key={n}>
                  <th>{n}</th>
                  <td>
                    <input className="je-input" data-param={n} defaultValue={JSON.stringify(this.values[n])} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="je-dim">This notebook has no cell tagged `parameters`: it runs as it is.</p>
        )}
      </div>
    );
  }

  getValue(): { queue: string; parameters: Record<string, string> } {
    const queue = (this.node.querySelector('input[name="queue"]') as HTMLInputElement | null)?.value.trim();
    const parameters: Record<string, string> = {};
    this.node.querySelectorAll<HTMLInputElement>('input[data-param]').forEach(input => {
      const name = input.dataset.param as string;
      if (input.value !== JSON.stringify(this.values[name])) {
        parameters[name] = input.value;
      }
    });
    return { queue: queue || 'default', parameters };
  }
}

async function openNotebook(env: IEnv, nb: NotebookModel, name: string): Promise<string> {
  if (!env.openNotebook || !env.openPath) {
    throw new Error('this host cannot open notebooks; use `jupyter track notebook <id>`');
  }
  try {
    // Written by the server into the workspace: the notebook never travels through the browser twice.
    const written = await nb.writeToWorkspace(nb.version, env.currentFolder?.() ?? '', name);
    await env.openPath(written.path);
    return written.path;
  } catch (e) {
    if (!/no workspace/.test((e as Error).message)) {
      throw e;
    }
  }
  const answer = await nb.notebookToOpen(nb.version);
  const stem = name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return env.openNotebook(`${stem}-${nb.taskId.slice(0, 8)}-v${answer.version}.ipynb`, answer.notebook);
}

async function rerun(env: IEnv, nb: NotebookModel, name: string): Promise<string | null> {
  let queues: string[] = [];
  try {
    queues = (await env.client.queues()).map(q => q.name);
  } catch {
    // `default` is created on first use
  }
  const form = new RerunForm(await nb.parameters(), queues);
  const result = await showDialog({
    title: `Run "${name}" on a queue`,
    body: form,
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Enqueue' })]
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  const { queue, parameters } = result.value;
  return (await nb.rerun(queue, parameters, nb.version)).id;
}

/** The header's notebook actions: the warning badge, "Open notebook", "Run on queue". */
export function NotebookActions(props: { model: TaskModel }): JSX.Element | null {
  const env = useEnv();
  const nb = useNotebook(props.model);
  const [error, run, busy] = useAction();
  if (!nb.hasNotebook) {
    return null;
  }
  const name = props.model.task?.name ?? 'run';
  return (
    <span className="je-notebook-actions">
      <HistoryBadge nb={nb} />
      <button
        className="je-btn"
        data-action="open-notebook"
        disabled={busy}
        title="Write the run's notebook into the workspace, outputs and parameters included, and open it"
        onClick={() => void run(() => openNotebook(env, nb, name))}
      >
        Open notebook
      </button>
      <button
        className="je-btn"
        data-action="run-on-queue"
        disabled={busy}
        title="Run the notebook again on a queue, with edited parameters"
        onClick={() =>
          void run(async () => {
            const id = await rerun(env, nb, name);
            if (id) {
              env.openTask(id);
            }
          })
        }
      >
        Run on queue
      </button>
      <ErrorLine error={error} />
    </span>
  );
}

function scrollToFocus(frame: HTMLIFrameElement | null, nb: NotebookModel): void {
  const doc = frame?.contentDocument;
  const focus = nb.focus;
  if (!doc || !focus) {
    return;
  }
  doc.querySelectorAll('.je-focus').forEach(e => e.classList.remove('je-focus'));
  const cells = doc.querySelectorAll('.jp-Cell');
  const target =
    (focus.cellId ? doc.getElementById(`cell-id=${focus.cellId}`) : null) ??
    (focus.cellIndex !== null ? cells[focus.cellIndex] : null);
  if (target) {
    target.classList.add('je-focus');
    target.scrollIntoView({ block: 'center' });
  }
}

/** Notebook: the run's snapshot versions (a stepper), each cell marked with what it reported, and how cells ran. */
export function NotebookTab(props: { model: TaskModel }): JSX.Element {
  const nb = useNotebook(props.model);
  useSignal(nb.changed);
  const frame = React.useRef<HTMLIFrameElement>(null);
  const versions = nb.provenance?.snapshots ?? [];
  React.useEffect(() => {
    if (versions.length && !nb.html) {
      void nb.loadHtml(nb.focus?.version ?? null);
    }
  }, [versions.length]);
  React.useEffect(() => {
    const focus = nb.focus;
    if (focus && focus.version !== null && focus.version !== nb.shownVersion) {
      void nb.loadHtml(focus.version);
    } else {
      scrollToFocus(frame.current, nb);
    }
  }, [nb.focus]);
  if (nb.error && !nb.provenance) {
    return <ErrorLine error={nb.error} />;
  }
  if (!nb.provenance) {
    return <div className="je-empty">Loading…</div>;
  }
  if (!versions.length) {
    return <div className="je-empty">No notebook: this task did not run from a tracked notebook.</div>;
  }
  const shown = versions.find(v => v.version === nb.shownVersion);
  const at = shown ? versions.indexOf(shown) : versions.length - 1;
  const step = (d: number) => void nb.loadHtml(versions[Math.min(versions.length - 1, Math.max(0, at + d))].version);
  const marks = flagged(nb.provenance);
  return (
    <div className="je-tab-notebook">
      <div className="je-toolbar je-stepper">
        <button className="je-btn" data-action="prev-version" disabled={at <= 0} onClick={() => step(-1)}>
          ◀
        </button>
        <span className="je-version" data-version={nb.shownVersion ?? ''}>
          Version {nb.shownVersion ?? '…'} of {versions.length}
        </span>
        <button
          className="je-btn"
          data-action="next-version"
          disabled={at >= versions.length - 1}
          onClick={() => step(1)}
        >
          ▶
        </button>
        {shown ? (
          <span className="je-dim">
            {formatTime(shown.taken)} · {shown.executed} of {shown.cells} cells ran · from the {shown.source}
          </span>
        ) : null}
        <HistoryBadge nb={nb} />
      </div>
      <ErrorLine error={nb.error} />
      <iframe
        ref={frame}
        className="je-notebook-frame"
        title="Notebook snapshot"
        sandbox="allow-same-origin"
        srcDoc={nb.html}
        onLoad={() => scrollToFocus(frame.current, nb)}
      />
      <h4>How the cells ran</h4>
      <table className="je-grid je-cell-runs">
        <thead>
          <tr>
            <th>#</th>
            <th>count</th>
            <th>cell</th>
            <th>started</th>
            <th>took</th>
            <th>note</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {nb.provenance.runs.map(r => (
            <tr key={r.seq} className={marks.has(r.seq) || r.raised ? 'je-flagged' : ''} data-seq={r.seq}>
              <td>{r.seq}</td>
              <td>[{r.execution_count ?? ' '}]</td>
              <td>{r.cell_index !== null ? r.cell_index + 1 : '—'}</td>
              <td>{formatTime(r.started)}</td>
              <td>{r.duration !== null ? `${r.duration.toFixed(2)} s` : 'running'}</td>
              <td>{[...(marks.get(r.seq) ?? []), r.raised ? `raised ${r.raised}` : ''].filter(Boolean).join('; ')}</td>
              <td>
                {r.cell_index !== null ? (
                  <button className="je-link" onClick={() => nb.showCell(r.seq)}>
                    show
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
