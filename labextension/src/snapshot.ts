/**
 * The frontend end of the `jupyter_ext.snapshot` comm: the kernel's notebook snapshots get the
 * live document (unsaved edits included) and follow renames.
 *
 * Protocol (kernel side: jupyter_ext/notebook/snapshot/comm.py):
 *   frontend -> kernel  {path, content}  on open; {path, content: null} on every rename
 *   kernel -> frontend  {request: 'content'}  before each snapshot, answered with {path, content}
 *
 * The comm is opened only when the kernel has registered the target (the extension was loaded,
 * by hand or by the server's autoload). Whether it has is asked with a silent user expression
 * that imports nothing (notebookPath.ts), when the kernel becomes ready, after each restart and
 * after each run of cells until the comm is open: `%load_ext jupyter_ext` in a cell is noticed
 * at that cell's end. A restart drops the comm; it is opened again once the new kernel answers.
 */

import { PageConfig } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';

import {
  absoluteNotebookPath,
  IProbeAnswer,
  parseProbe,
  PROBE_EXPRESSION,
  SNAPSHOT_TARGET
} from './model/notebookPath';

/** A probe lost in a restart never gets its reply: give up on it after this long and ask again. */
const PROBE_TIMEOUT_MS = 15000;

async function probe(kernel: Kernel.IKernelConnection): Promise<IProbeAnswer | null> {
  const future = kernel.requestExecute(
    { code: '', silent: true, store_history: false, user_expressions: { snapshot: PROBE_EXPRESSION } },
    true
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), PROBE_TIMEOUT_MS);
  });
  let reply: KernelMessage.IExecuteReplyMsg;
  try {
    reply = (await Promise.race([future.done, timeout])) as KernelMessage.IExecuteReplyMsg;
  } finally {
    clearTimeout(timer);
  }
  const content = reply.content as KernelMessage.IExecuteReply & {
    user_expressions?: Record<string, { status: string; data?: Record<string, unknown> }>;
  };
  const answer = content.user_expressions?.snapshot;
  if (!answer || answer.status !== 'ok') {
    return null;
  }
  return parseProbe(String(answer.data?.['text/plain'] ?? ''));
}

/** One notebook's link to its kernel's snapshot target; lives as long as the notebook panel. */
export class SnapshotLink {
  private comm: Kernel.IComm | null = null;
  private generation = 0; // bumped by every kernel change and restart: late answers are dropped
  private probeNeeded = true;
  private probing = -1; // the generation a probe is in flight for (a lost one must not block the next)
  private home = '';
  private disposed = false;

  constructor(
    private readonly panel: NotebookPanel,
    private readonly serverRoot: string
  ) {
    const session = panel.sessionContext;
    session.kernelChanged.connect(this.restarted, this);
    session.statusChanged.connect(this.onStatus, this);
    panel.context.pathChanged.connect(this.onRename, this);
    NotebookActions.executed.connect(this.onExecuted, this);
    panel.disposed.connect(this.dispose, this);
    void session.ready.then(() => this.maybeProbe());
  }

  get isOpen(): boolean {
    return this.comm !== null;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    NotebookActions.executed.disconnect(this.onExecuted, this);
    this.drop(true);
  }

  private onStatus(_: unknown, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'starting' || status === 'dead') {
      this.restarted();
    } else if (status === 'idle') {
      void this.maybeProbe();
    }
  }

  private restarted(): void {
    this.generation += 1;
    this.drop(false); // the kernel that had the comm is gone: nothing to close there
    this.probeNeeded = true;
  }

  private onExecuted(_: unknown, args: { notebook: unknown }): void {
    if (args.notebook === this.panel.content && !this.comm) {
      this.probeNeeded = true;
      void this.maybeProbe();
    }
  }

  private onRename(): void {
    this.send({ path: this.path(), content: null });
  }

  private path(): string {
    return absoluteNotebookPath(this.serverRoot, this.home, this.panel.context.localPath);
  }

  private content(): JSONObject | null {
    const model = this.panel.context.model;
    return model ? (model.toJSON() as unknown as JSONObject) : null;
  }

  private send(data: JSONObject): void {
    const comm = this.comm;
    if (!comm || comm.isDisposed) {
      return;
    }
    try {
      void comm.send(data);
    } catch {
      this.drop(false);
    }
  }

  private drop(close: boolean): void {
    const comm = this.comm;
    this.comm = null;
    this.mark();
    if (close && comm && !comm.isDisposed) {
      try {
        void comm.close();
      } catch {
        // the kernel is already gone
      }
    }
  }

  /** The state on the panel's node, for people and tests looking at the page. */
  private mark(): void {
    if (!this.panel.isDisposed) {
      this.panel.node.dataset.jeSnapshot = this.comm ? 'open' : 'closed';
    }
  }

  private async maybeProbe(): Promise<void> {
    if (this.disposed || this.comm || this.probing === this.generation || !this.probeNeeded) {
      return;
    }
    const kernel = this.panel.sessionContext.session?.kernel;
    // Only a kernel that is up answers: during a restart the request would be lost.
    if (!kernel || kernel.isDisposed || kernel.connectionStatus !== 'connected' || kernel.status !== 'idle') {
      return;
    }
    const generation = this.generation;
    this.probeNeeded = false;
    this.probing = generation;
    let answer: IProbeAnswer | null = null;
    try {
      answer = await probe(kernel);
    } catch {
      this.probeNeeded = true; // cancelled by a restart, or no answer yet: ask at the next idle
    } finally {
      if (this.probing === generation) {
        this.probing = -1;
      }
    }
    const current = this.panel.sessionContext.session?.kernel;
    if (this.disposed || generation !== this.generation || current !== kernel) {
      void this.maybeProbe(); // the kernel changed meanwhile: ask the new one
      return;
    }
    if (answer?.hasTarget && !this.comm) {
      this.home = answer.home;
      this.open(kernel);
    }
  }

  private open(kernel: Kernel.IKernelConnection): void {
    const comm = kernel.createComm(SNAPSHOT_TARGET);
    comm.onMsg = msg => {
      const data = msg.content.data as { request?: string } | undefined;
      if (data?.request === 'content' && this.comm === comm) {
        this.send({ path: this.path(), content: this.content() });
      }
    };
    comm.onClose = () => {
      if (this.comm === comm) {
        this.comm = null;
        this.probeNeeded = true; // %reload_ext may register it again
        this.mark();
      }
    };
    this.comm = comm;
    void comm.open({ path: this.path(), content: this.content() });
    this.mark();
  }
}

/** Link every notebook the tracker opens, in JupyterLab and Notebook 7. */
export function linkNotebooks(notebooks: INotebookTracker): void {
  const serverRoot = PageConfig.getOption('serverRoot');
  const link = (panel: NotebookPanel) => new SnapshotLink(panel, serverRoot);
  notebooks.forEach(link);
  notebooks.widgetAdded.connect((_, panel) => link(panel));
}
