/**
 * State of the Experiments panel: projects, filters, sort, the task table (paged, sparse) and
 * the selection. Views only read it and call its methods; it knows nothing of the DOM.
 */

import { ISignal, Signal } from '@lumino/signaling';

import { ITaskQuery, TrackClient } from '../api/client';
import type { IChange, IProject, ITaskSummary } from '../api/shapes';
import { applicable, BulkAction, ISelected, uiError } from './actions';
import { BASE_COLUMNS, DEFAULT_LAYOUT, ITableState, isExtraColumn } from './tableState';

export const PAGE_SIZE = 200;

export interface IFilters {
  status: string[];
  type: string[];
  tag: string[];
  /** Tags: a task matches with any of them, or only with all of them. */
  tagMode?: 'any' | 'all';
  search: string;
  archived: boolean;
  /** Only the caller's own tasks (their owner is stamped by the server). */
  mine?: boolean;
  users?: string[];
  /** `<column>=<low>..<high>` (created, last_update, metric:…, param:…; either bound optional). */
  ranges?: string[];
  /** Show dataset versions' and pipeline steps' tasks in a table of every project. */
  parts?: boolean;
}

export const NO_FILTERS: IFilters = {
  status: [],
  type: [],
  tag: [],
  tagMode: 'any',
  search: '',
  archived: false,
  users: [],
  ranges: [],
  parts: false
};

export interface ISort {
  field: string;
  desc: boolean;
}

export interface IProjectNode {
  project: IProject;
  children: IProjectNode[];
  depth: number;
}

const ACTION_FAILED = (failed: number, of: number) => `${failed} of ${of} failed:`;

export type ChangeReason = 'projects' | 'rows' | 'selection' | 'filters' | 'focus' | 'error';

/** Build the project tree from the flat list the server sends (`parent` = parent id). */
export function projectTree(projects: IProject[]): IProjectNode[] {
  const nodes = new Map<string, IProjectNode>();
  for (const p of projects) {
    nodes.set(p.id, { project: p, children: [], depth: 0 });
  }
  const roots: IProjectNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.project.parent ? nodes.get(node.project.parent) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const order = (list: IProjectNode[], depth: number) => {
    list.sort((a, b) => shortName(a.project).localeCompare(shortName(b.project)));
    for (const n of list) {
      n.depth = depth;
      order(n.children, depth + 1);
    }
  };
  order(roots, 0);
  return roots;
}

/** The last path component ("b" of "a/b"). */
export function shortName(project: IProject): string {
  const full = project.path || project.name;
  const i = full.lastIndexOf('/');
  return i >= 0 ? full.slice(i + 1) : full;
}

export class ExperimentsModel {
  constructor(readonly client: TrackClient) {}

  get changed(): ISignal<this, ChangeReason> {
    return this._changed;
  }

  /** Paths of the server's routes (from its OpenAPI document); empty until known. */
  routes: Set<string> = new Set();

  /** Rename, move and delete of projects need `projects/{id}` on the server. */
  get canEditProjects(): boolean {
    return [...this.routes].some(r => /^projects\/\{[^}]+\}$/.test(r));
  }

  setRoutes(routes: Set<string>): void {
    this.routes = routes;
    this._changed.emit('projects');
  }

  // ---- projects
  get projects(): IProject[] {
    return this._projects;
  }
  get tree(): IProjectNode[] {
    return projectTree(this._projects.filter(p => !p.hidden));
  }
  get projectId(): string | null {
    return this._projectId;
  }

  async loadProjects(): Promise<void> {
    this._projects = await this.client.projects();
    this._changed.emit('projects');
  }

  /** Select a project (null: every project); the selection is cleared (it named other tasks). */
  setProject(id: string | null): Promise<void> {
    if (id !== this._projectId) {
      this._projectId = id;
      this.clearSelection();
      this._changed.emit('filters');
    }
    return this.reload();
  }

  /** The selected project's path ('' for every project). */
  get projectPath(): string {
    const project = this._projects.find(p => p.id === this._projectId);
    return project ? project.path || project.name : '';
  }

  /** Select a project by its path (a link, a restored layout); false when there is none such. */
  async setProjectPath(path: string): Promise<boolean> {
    if (!this._projects.length) {
      await this.loadProjects();
    }
    const project = this._projects.find(p => (p.path || p.name) === path);
    if (!project && path) {
      return false;
    }
    await this.setProject(project ? project.id : null);
    return true;
  }

  async createProject(name: string): Promise<void> {
    await this.client.createProject(name);
    await this.loadProjects();
  }
  async renameProject(id: string, name: string): Promise<void> {
    await this.client.updateProject(id, { name });
    await this.loadProjects();
  }
  /** Move under the project `parentId`, or to the top level when null. */
  async moveProject(id: string, parentId: string | null): Promise<void> {
    const parent = parentId === null ? null : this._projects.find(p => p.id === parentId);
    if (parent === undefined) {
      throw new Error(`no project with id ${parentId}`);
    }
    await this.client.updateProject(id, { parent: parent === null ? null : parent.path || parent.name });
    await this.loadProjects();
  }
  async deleteProject(id: string): Promise<void> {
    await this.client.deleteProject(id);
    if (this._projectId === id) {
      this._projectId = null;
    }
    await this.loadProjects();
    await this.reload();
  }

  // ---- filters, sort, columns
  get filters(): IFilters {
    return this._filters;
  }
  get sort(): ISort {
    return this._sort;
  }
  /** The extra columns shown (`metric:…`, `param:…`), in order. */
  get columns(): string[] {
    return this._layout.filter(isExtraColumn);
  }

  /** Change filters: the selection is cleared, so no action reaches a task no longer shown. */
  setFilters(change: Partial<IFilters>): Promise<void> {
    this._filters = { ...this._filters, ...change };
    this.clearSelection();
    this._changed.emit('filters');
    return this.reload();
  }

  /** Click on a column header: sort by it, or flip the direction when it already sorts. */
  toggleSort(field: string): Promise<void> {
    this._sort = this._sort.field === field ? { field, desc: !this._sort.desc } : { field, desc: false };
    this._changed.emit('filters');
    return this.reload();
  }

  /** Extra columns: `metric:<title>/<series>` (metric_min:, metric_max:) or `param:<section>/<name>`. */
  setColumns(columns: string[]): Promise<void> {
    const extras = [...new Set(columns)].filter(isExtraColumn);
    this._layout = [...this._layout.filter(k => !isExtraColumn(k)), ...extras];
    this._changed.emit('filters');
    return this.reload();
  }

  /** Every shown column, in order (task fields and extra columns). */
  get layout(): string[] {
    return this._layout;
  }
  get widths(): Record<string, number> {
    return this._widths;
  }

  /** Show these columns in this order; extra columns new to the table are read from the server. */
  setLayout(keys: string[]): Promise<void> {
    const known = new Set(BASE_COLUMNS);
    const next = [...new Set(keys)].filter(k => known.has(k) || isExtraColumn(k));
    const added = next.some(k => isExtraColumn(k) && !this._layout.includes(k));
    this._layout = next;
    this._changed.emit('filters');
    return added ? this.reload() : Promise.resolve();
  }

  /** Drag a column header before another one (or to the end when `before` is null). */
  moveColumn(key: string, before: string | null): void {
    const rest = this._layout.filter(k => k !== key);
    const at = before === null ? rest.length : rest.indexOf(before);
    rest.splice(at < 0 ? rest.length : at, 0, key);
    this._layout = rest;
    this._changed.emit('filters');
  }

  setWidth(key: string, width: number): void {
    this._widths = { ...this._widths, [key]: Math.max(40, Math.round(width)) };
    this._changed.emit('filters');
  }

  /** What a reload or a saved view brings back. */
  get state(): ITableState {
    return {
      project: this.projectPath,
      filters: this._filters,
      sort: this._sort,
      layout: this._layout,
      widths: this._widths
    };
  }

  /** Apply a saved or restored state (an unknown project falls back to every project). */
  async applyState(state: Partial<ITableState>, withProject = true): Promise<void> {
    this._filters = { ...NO_FILTERS, ...(state.filters ?? {}) };
    this._sort = state.sort ?? this._sort;
    this._layout = state.layout?.length ? state.layout : this._layout;
    this._widths = state.widths ?? this._widths;
    this.clearSelection();
    this._changed.emit('filters');
    if (withProject && state.project !== undefined) {
      if (!(await this.setProjectPath(state.project))) {
        await this.setProject(null);
      }
      return;
    }
    await this.reload();
  }

  query(offset: number, limit: number): ITaskQuery {
    const f = this._filters;
    const project = this._projects.find(p => p.id === this._projectId);
    const columns = this.columns;
    const tags = f.tag.length && f.tagMode === 'all' ? ['__$all', ...f.tag] : f.tag;
    return {
      project: project ? project.path || project.name : undefined,
      status: f.status.length ? f.status : undefined,
      type: f.type.length ? f.type : undefined,
      tag: tags.length ? tags : undefined,
      search: f.search || undefined,
      archived: f.archived ? 'only' : 'false',
      user: f.mine ? ['me'] : f.users?.length ? f.users : undefined,
      range: f.ranges?.length ? f.ranges : undefined,
      parts: f.parts ? true : false,
      order_by: (this._sort.desc ? '-' : '') + this._sort.field,
      columns: columns.length ? columns : undefined,
      limit,
      offset
    };
  }

  // ---- rows (sparse: only the pages the view has asked for are loaded)
  get total(): number {
    return this._total;
  }
  get loaded(): boolean {
    return this._generation > 0 && this._pages.has(0);
  }
  get error(): string {
    return this._error;
  }

  row(index: number): ITaskSummary | undefined {
    const page = this._pages.get(Math.floor(index / PAGE_SIZE));
    return page ? page[index % PAGE_SIZE] : undefined;
  }

  /** Every loaded row (for range selection and bulk actions). */
  loadedRows(): ITaskSummary[] {
    const out: ITaskSummary[] = [];
    for (const key of [...this._pages.keys()].sort((a, b) => a - b)) {
      out.push(...(this._pages.get(key) ?? []));
    }
    return out;
  }

  indexOf(id: string): number {
    for (const [pageNo, rows] of this._pages) {
      const i = rows.findIndex(r => r.id === id);
      if (i >= 0) {
        return pageNo * PAGE_SIZE + i;
      }
    }
    return -1;
  }

  /** Drop every page and load the first one again (filters, sort or project changed). */
  async reload(): Promise<void> {
    this._generation++;
    this._pages = new Map();
    this._inflight = new Map();
    // Page 0 for the total, and the rows where the view is scrolled to.
    await Promise.all([this._loadPage(0), this.ensureRange(...this._view)]);
  }

  /**
   * Re-read the rows in view, keeping the scroll position (a change arrived). Pages out of view
   * are forgotten and read again when scrolled to; pages on their way are kept.
   */
  async refresh(): Promise<void> {
    const [first, last] = this._viewPages();
    for (const page of [...this._pages.keys()]) {
      if (page < first || page > last) {
        this._pages.delete(page);
      }
    }
    const loads: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      if (!this._inflight.has(p) && (p === 0 || p * PAGE_SIZE < this._total)) {
        loads.push(this._loadPage(p));
      }
    }
    await Promise.all(loads);
  }

  private _viewPages(): [number, number] {
    const [start, end] = this._view;
    return [Math.floor(start / PAGE_SIZE), Math.floor(Math.max(start, end - 1) / PAGE_SIZE)];
  }

  /** Make sure rows [start, end) are loaded; the table calls this as it scrolls. */
  async ensureRange(start: number, end: number): Promise<void> {
    this._view = [start, end];
    const first = Math.max(0, Math.floor(start / PAGE_SIZE));
    const last = Math.floor(Math.max(start, end - 1) / PAGE_SIZE);
    const loads: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      if (p > 0 && p * PAGE_SIZE >= this._total) {
        break;
      }
      if (!this._pages.has(p)) {
        loads.push(this._loadPage(p));
      }
    }
    await Promise.all(loads);
  }

  private _loadPage(page: number): Promise<void> {
    const pending = this._inflight.get(page);
    if (pending) {
      return pending;
    }
    const generation = this._generation;
    const promise = this.client
      .tasks(this.query(page * PAGE_SIZE, PAGE_SIZE))
      .then(answer => {
        if (generation !== this._generation) {
          return; // the filters changed while this page was on its way
        }
        this._pages.set(page, answer.items);
        if (typeof answer.total === 'number' && answer.total < this._total) {
          // Rows went away (deleted, filtered out): pages past the end are stale.
          for (const p of [...this._pages.keys()]) {
            if (p * PAGE_SIZE >= answer.total && p > 0) {
              this._pages.delete(p);
            }
          }
        }
        this._total = typeof answer.total === 'number' ? answer.total : page * PAGE_SIZE + answer.items.length;
        this._error = '';
        this._changed.emit('rows');
      })
      .catch((error: Error) => {
        if (generation === this._generation) {
          this._error = error.message;
          this._changed.emit('error');
        }
      })
      .finally(() => {
        if (this._inflight.get(page) === promise) {
          this._inflight.delete(page);
        }
      });
    this._inflight.set(page, promise);
    return promise;
  }

  // ---- selection
  get selection(): ReadonlySet<string> {
    return this._selection;
  }

  /** The selected tasks with their names and statuses (for actions and their dialogs). */
  selectedTasks(): ISelected[] {
    // The loaded rows are the freshest (an action or a change may have moved a status on).
    const loaded = new Map(this.loadedRows().map(r => [r.id, r]));
    return [...this._selection].map(id => {
      const row = loaded.get(id);
      if (row) {
        return { id, name: row.name, status: row.status, archived: row.archived };
      }
      return this._known.get(id) ?? { id, name: id.slice(0, 8), status: '' };
    });
  }

  /** Select every task matching the filters (not only those loaded), up to 10,000. */
  async selectAllMatching(): Promise<number> {
    const answer = await this.client.tasks({
      ...this.query(0, 10_000),
      columns: ['id', 'name', 'status', 'archived']
    });
    for (const t of answer.items) {
      this._known.set(t.id, { id: t.id, name: t.name, status: t.status, archived: t.archived });
    }
    this._selection = new Set(answer.items.map(t => t.id));
    this._changed.emit('selection');
    return this._selection.size;
  }

  /** Run a bulk action on the selected tasks it applies to; failures in UI words. */
  async runOn(action: BulkAction, run: (id: string) => Promise<unknown>): Promise<void> {
    const targets = applicable(action, this.selectedTasks());
    const results = await Promise.allSettled(targets.map(t => run(t.id)));
    await Promise.all([this.refresh(), this.loadProjects()]);
    const failed = results.map((r, i) => [r, targets[i]] as const).filter(([r]) => r.status === 'rejected') as [
      PromiseRejectedResult,
      ISelected
    ][];
    if (failed.length) {
      const lines = failed.map(([r, t]) => `"${t.name}": ${uiError((r.reason as Error).message)}`);
      throw new Error(`${ACTION_FAILED(failed.length, targets.length)} ${lines.join('; ')}`);
    }
  }

  /** `single` replaces, `toggle` adds/removes (Ctrl), `range` extends from the anchor (Shift). */
  select(id: string, mode: 'single' | 'toggle' | 'range' = 'single'): void {
    this._remember(id);
    if (mode === 'single') {
      this._selection = new Set([id]);
      this._anchor = id;
    } else if (mode === 'toggle') {
      const next = new Set(this._selection);
      if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      this._selection = next;
      this._anchor = id;
    } else {
      const a = this._anchor ? this.indexOf(this._anchor) : -1;
      const b = this.indexOf(id);
      if (a < 0 || b < 0) {
        this._selection = new Set([id]);
        this._anchor = id;
      } else {
        const next = new Set(this._selection);
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
          const row = this.row(i);
          if (row) {
            next.add(row.id);
            this._remember(row.id);
          }
        }
        this._selection = next;
      }
    }
    this._changed.emit('selection');
  }

  clearSelection(): void {
    if (this._selection.size || this._anchor) {
      this._selection = new Set();
      this._anchor = null;
      this._changed.emit('selection');
    }
  }

  private _remember(id: string): void {
    const row = this.row(this.indexOf(id));
    if (row) {
      this._known.set(id, { id, name: row.name, status: row.status, archived: row.archived });
    }
  }

  // ---- bulk actions on the selection
  async archiveSelected(archive = true): Promise<void> {
    await this.runOn(archive ? 'archive' : 'restore', id => this.client.action(id, archive ? 'archive' : 'unarchive'));
  }
  async deleteSelected(): Promise<void> {
    try {
      await this.runOn('delete', id => this.client.deleteTask(id));
    } finally {
      this.clearSelection();
    }
  }
  async moveSelected(projectName: string): Promise<void> {
    await this.runOn('move', id => this.client.move(id, projectName));
  }
  async tagSelected(tag: string, remove = false): Promise<void> {
    await this.runOn(remove ? 'untag' : 'tag', async id => {
      const row = this.loadedRows().find(r => r.id === id);
      const current = row ? row.tags : (await this.client.task(id)).tags;
      const tags = remove ? current.filter(t => t !== tag) : [...new Set([...current, tag])];
      return this.client.updateTask(id, { tags });
    });
  }
  async enqueueSelected(queue?: string): Promise<void> {
    await this.runOn('enqueue', id => this.client.enqueue(id, queue));
  }
  async dequeueSelected(): Promise<void> {
    await this.runOn('dequeue', id => this.client.dequeue(id));
  }
  async abortSelected(): Promise<void> {
    await this.runOn('abort', id => this.client.abort(id));
  }
  async resetSelected(): Promise<void> {
    await this.runOn('reset', id => this.client.action(id, 'reset'));
  }
  async publishSelected(): Promise<void> {
    await this.runOn('publish', id => this.client.action(id, 'publish'));
  }
  async cloneSelected(): Promise<void> {
    await this.runOn('clone', id => this.client.clone(id));
  }

  // ---- focus (the task of the notebook in focus)
  get focusTaskId(): string | null {
    return this._focusTaskId;
  }
  setFocusTask(id: string | null): void {
    if (id !== this._focusTaskId) {
      this._focusTaskId = id;
      this._changed.emit('focus');
    }
  }

  // ---- live updates
  /** A change arrived from the server's feed: re-read what it touches, once per burst. */
  onChange(change: IChange): void {
    if (change.kind === 'project' || change.kind === 'task') {
      // Tree counts follow created, moved and deleted tasks: once per burst.
      if (this._projectsTimer === null) {
        this._projectsTimer = setTimeout(
          () => {
            this._projectsTimer = null;
            void this.loadProjects().catch(() => undefined);
          },
          change.kind === 'project' ? 0 : 1000
        );
      }
    }
    if (this._refreshTimer === null) {
      this._refreshTimer = setTimeout(() => {
        this._refreshTimer = null;
        void this.refresh();
      }, 300);
    }
  }

  dispose(): void {
    for (const timer of [this._refreshTimer, this._projectsTimer]) {
      if (timer !== null) {
        clearTimeout(timer);
      }
    }
    this._refreshTimer = this._projectsTimer = null;
    Signal.clearData(this);
  }

  private _changed = new Signal<this, ChangeReason>(this);
  private _projects: IProject[] = [];
  private _projectId: string | null = null;
  private _filters: IFilters = { ...NO_FILTERS };
  private _sort: ISort = { field: 'last_update', desc: true };
  private _layout: string[] = [...DEFAULT_LAYOUT];
  private _widths: Record<string, number> = {};
  private _known = new Map<string, ISelected>();
  private _projectsTimer: ReturnType<typeof setTimeout> | null = null;
  private _pages = new Map<number, ITaskSummary[]>();
  private _inflight = new Map<number, Promise<void>>();
  private _total = 0;
  private _generation = 0;
  private _view: [number, number] = [0, PAGE_SIZE];
  private _error = '';
  private _selection: Set<string> = new Set();
  private _anchor: string | null = null;
  private _focusTaskId: string | null = null;
  private _refreshTimer: ReturnType<typeof setTimeout> | null = null;
}
