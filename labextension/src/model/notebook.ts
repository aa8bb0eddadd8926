import { Signal } from '@lumino/signaling';

import type { TrackClient } from '../api/client';

/** One execution of a notebook cell in a run (`GET tasks/{id}/notebook/provenance`). */
export interface ICellRun {
  seq: number;
  cell_id: string;
  execution_count: number | null;
  started: string | number;
  duration: number | null;
  raised: string | null;
  snapshot_version: number | null;
  cell_index: number | null;
  snapshot_cell_id: string;
}

export interface ISnapshotVersion {
  version: number;
  taken: number;
  source: string;
  ipynb_size: number;
  cells: number;
  executed: number;
}

export interface IProvenance {
  runs: ICellRun[];
  snapshots: ISnapshotVersion[];
  warnings: { out_of_order?: number[]; edited_after_run?: number[]; missing?: number[]; messages?: string[] };
  scalars: { title: string; series: string; spans: { origin: number | null; count: number }[] }[];
  plots: { id: number; title: string; series: string; iteration: number; origin: number | null }[];
  debug_samples: { id: number; title: string; series: string; iteration: number; origin: number | null }[];
  artifacts: Record<string, number | null>;
  models: Record<string, number | null>;
  console: { first_id: number; last_id: number; origin: number | null }[];
}

/** Where "show the cell" goes: a run's cell in a snapshot version. */
export interface ICellFocus {
  seq: number;
  cellId: string;
  cellIndex: number | null;
  version: number | null;
}

export type ResultKind = 'scalar' | 'plot' | 'debug' | 'artifact' | 'model' | 'console';

/** The notebook side of one task: provenance, snapshot versions, the version shown, a cell to show. */
export class NotebookModel {
  readonly changed = new Signal<this, 'provenance' | 'html' | 'focus'>(this);
  provenance: IProvenance | null = null;
  error = '';
  version: number | null = null; // the version shown; null: the default one
  shownVersion: number | null = null;
  html = '';
  focus: ICellFocus | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    readonly client: TrackClient,
    readonly taskId: string
  ) {}

  get hasNotebook(): boolean {
    return (this.provenance?.snapshots.length ?? 0) > 0;
  }

  get warnings(): string[] {
    return this.provenance?.warnings.messages ?? [];
  }

  load(force = false): Promise<void> {
    if (!this.loading || force) {
      this.loading = this.client
        .request<IProvenance>(`tasks/${encodeURIComponent(this.taskId)}/notebook/provenance`)
        .then(doc => {
          this.provenance = doc;
          this.error = '';
          this.changed.emit('provenance');
        })
        .catch((e: Error) => {
          this.error = e.message;
          this.changed.emit('provenance');
        });
    }
    return this.loading;
  }

  /** The HTML of a version (the default one when null), each cell marked with what it reported. */
  async loadHtml(version: number | null): Promise<void> {
    const path = `tasks/${encodeURIComponent(this.taskId)}/notebook/snapshots/${version ?? 'latest'}`;
    try {
      const answer = await this.client.request<{ version: number; html: string }>(path, {
        query: { format: 'html' }
      });
      this.version = version;
      this.shownVersion = answer.version;
      this.html = answer.html;
      this.error = '';
    } catch (e) {
      this.error = (e as Error).message;
    }
    this.changed.emit('html');
  }

  /** The notebook to open again: outputs kept, the task's parameters injected. */
  notebookToOpen(version: number | null): Promise<{ version: number; notebook: Record<string, unknown> }> {
    return this.client.request(`tasks/${encodeURIComponent(this.taskId)}/notebook/snapshots/${version ?? 'latest'}`, {
      query: { format: 'open' }
    });
  }

  /** Write the notebook to open into the Jupyter workspace (server side); its path there. */
  writeToWorkspace(version: number | null, folder: string, name: string): Promise<{ path: string; version: number }> {
    return this.client.request(`tasks/${encodeURIComponent(this.taskId)}/notebook/open`, {
      method: 'POST',
      body: { version, folder, name }
    });
  }

  /** The run's notebook parameters (the `Notebook` section), to edit before a re-run. */
  async parameters(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const p of await this.client.parameters(this.taskId)) {
      if (p.section === 'Notebook') {
        out[p.name] = p.value;
      }
    }
    return out;
  }

  rerun(queue: string, parameters: Record<string, string>, version: number | null): Promise<{ id: string }> {
    return this.client.request(`tasks/${encodeURIComponent(this.taskId)}/notebook/rerun`, {
      method: 'POST',
      body: { queue, parameters, version }
    });
  }

  /** The execution (seq) a result came from, or null. */
  originOf(kind: ResultKind, key: string): number | null {
    const p = this.provenance;
    if (!p) {
      return null;
    }
    switch (kind) {
      case 'scalar': {
        const s = p.scalars.find(x => `${x.title}/${x.series}` === key || x.title === key);
        const spans = (s?.spans ?? []).filter(x => x.origin !== null);
        return spans.length ? spans[spans.length - 1].origin : null;
      }
      case 'plot':
        return p.plots.find(x => `${x.title}/${x.series}/${x.iteration}` === key || x.title === key)?.origin ?? null;
      case 'debug':
        return p.debug_samples.find(x => `${x.title}/${x.series}` === key)?.origin ?? null;
      case 'artifact':
        return p.artifacts[key] ?? null;
      case 'model':
        return p.models[key] ?? null;
      case 'console':
        return p.console.length ? p.console[p.console.length - 1].origin : null;
    }
  }

  run(seq: number | null): ICellRun | null {
    return this.provenance?.runs.find(r => r.seq === seq) ?? null;
  }

  /** Ask the notebook tab to show the cell of execution `seq`. */
  showCell(seq: number): void {
    const run = this.run(seq);
    if (!run) {
      return;
    }
    this.focus = {
      seq,
      cellId: run.snapshot_cell_id || run.cell_id,
      cellIndex: run.cell_index,
      version: run.snapshot_version
    };
    this.changed.emit('focus');
  }
}

const models = new WeakMap<object, NotebookModel>();

/** The notebook model of a task view (one per task model, made on first use). */
export function notebookOf(owner: object, client: TrackClient, taskId: string): NotebookModel {
  let found = models.get(owner);
  if (!found) {
    found = new NotebookModel(client, taskId);
    models.set(owner, found);
  }
  return found;
}

/** Which executions a warning names, for the history table's marks. */
export function flagged(p: IProvenance | null): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const add = (seqs: number[] | undefined, what: string) =>
    (seqs ?? []).forEach(s => out.set(s, [...(out.get(s) ?? []), what]));
  add(p?.warnings.out_of_order, 'out of order');
  add(p?.warnings.edited_after_run, 'edited since');
  add(p?.warnings.missing, 'not in the notebook');
  return out;
}
