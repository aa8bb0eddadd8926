import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  MainAreaWidget,
  ReactWidget,
  ToolbarButton,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { TrackClient } from './api/client';
import { blobUrl, jupyterTransport } from './api/request';
import { API_PREFIX } from './api/transport';
import { taskOfKernel } from './focus';
import { ExperimentsModel } from './model/experiments';
import { linkTo, parseRoute, Route, routeValue, trackParam } from './model/links';
import { ITableState } from './model/tableState';
import { LiveFeed } from './model/live';
import { PipelinesModel } from './model/pipelines';
import { QueuesModel } from './model/queues';
import { notebookHost } from './notebookHost';
import { linkNotebooks } from './snapshot';
import { IEnv } from './views/env';
import { modelWidget } from './views/modelWidget';
import { registerNotebookCompareTab } from './views/compareView';
import { preloadPlotly } from './views/plot';
import { TABS, TabName } from './views/task/taskView';
import { compareWidget, pipelineWidget, RunSidebarWidget, SidebarWidget, taskWidget } from './widgets';
import { dashboardWidget, IWorkbenchHooks, openSearch, tableWidget } from './views/workbench/workbenchWidgets';

export const COMMANDS = {
  show: 'jupyter-ext:show-experiments',
  openTask: 'jupyter-ext:open-task',
  compare: 'jupyter-ext:compare-tasks',
  showQueues: 'jupyter-ext:show-queues',
  openPipeline: 'jupyter-ext:open-pipeline',
  openModel: 'jupyter-ext:open-model',
  openDataset: 'jupyter-ext:open-dataset',
  showTable: 'jupyter-ext:show-table',
  openProject: 'jupyter-ext:open-project',
  openDashboard: 'jupyter-ext:open-dashboard',
  openRoute: 'jupyter-ext:open-link',
  search: 'jupyter-ext:search',
  copyLink: 'jupyter-ext:copy-link'
};

const TABLE_STATE_KEY = 'jupyter-ext:table-state';

function savedTableState(): Partial<ITableState> | null {
  try {
    const text = localStorage.getItem(TABLE_STATE_KEY);
    return text ? (JSON.parse(text) as Partial<ITableState>) : null;
  } catch {
    return null;
  }
}

/** Routes the server offers (from its OpenAPI document), to switch optional features on. */
async function serverRoutes(client: TrackClient): Promise<Set<string>> {
  try {
    const doc = await client.request<{ paths?: Record<string, unknown> }>('openapi.json');
    return new Set(Object.keys(doc.paths ?? {}).map(p => p.replace(/^\/+/, '').replace(/^track\/api\/v1\//, '')));
  } catch {
    return new Set();
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-ext:plugin',
  description: 'Experiments, models and datasets of jupyter-ext, in JupyterLab and Notebook 7',
  autoStart: true,
  // Everything optional: the same plugin runs in JupyterLab and in Notebook 7 (no ILabShell there).
  optional: [ILabShell, ILayoutRestorer, INotebookTracker, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null
  ) => {
    const settings = app.serviceManager.serverSettings;
    const client = new TrackClient(jupyterTransport(settings));
    const open = new Map<string, MainAreaWidget<ReactWidget>>();
    // Notebook 7's notebook page has one document in its main area: views go to the right panel.
    const viewArea = labShell ? 'main' : 'right';
    /** One tab per id: show the open one, or make it (and forget it when it closes). */
    // Every view of a link is tracked: the layout restorer reopens it after a reload.
    const views = new WidgetTracker<MainAreaWidget<ReactWidget>>({ namespace: 'jupyter-ext-views' });
    const labUrl = URLExt.join(PageConfig.getBaseUrl(), PageConfig.getOption('appUrl') || 'lab');
    const copyLink = async (route: Route) => {
      const link = linkTo(labUrl.startsWith('http') ? labUrl : window.location.origin + labUrl, route);
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        Clipboard.copyToSystem(link);
      }
      document.body.dataset.jeCopiedLink = link;
    };
    const remember = (widget: MainAreaWidget<ReactWidget>, route: Route, withButton = true) => {
      widget.node.dataset.trackRoute = routeValue(route);
      if (withButton) {
        widget.toolbar.addItem(
          'copy-link',
          new ToolbarButton({
            label: 'Copy link',
            tooltip: 'Copy a link that opens this view in any JupyterLab',
            className: 'je-copy-link',
            onClick: () => void copyLink(parseRoute(widget.node.dataset.trackRoute) ?? route)
          })
        );
      }
      if (!views.has(widget)) {
        void views.add(widget);
      }
    };
    const showOnce = (
      tabs: Map<string, MainAreaWidget<ReactWidget>>,
      id: string,
      make: () => MainAreaWidget<ReactWidget>,
      route?: Route
    ) => {
      let widget = tabs.get(id);
      if (!widget || widget.isDisposed) {
        widget = make();
        tabs.set(id, widget);
        widget.disposed.connect(() => tabs.delete(id));
        if (route) {
          remember(widget, route);
        }
        app.shell.add(widget, viewArea);
      }
      app.shell.activateById(widget.id);
    };

    const env: IEnv = {
      client,
      blobUrl: sha => blobUrl(settings, sha),
      openTask: id => void app.commands.execute(COMMANDS.openTask, { id }),
      compare: ids => void app.commands.execute(COMMANDS.compare, { ids }),
      openPipeline: id => void app.commands.execute(COMMANDS.openPipeline, { id }),
      openModel: id => void app.commands.execute(COMMANDS.openModel, { id }),
      ...notebookHost(app, notebooks)
    };

    const model = new ExperimentsModel(client);
    let routes: Set<string> = new Set();
    const live = new LiveFeed({
      openSocket: () => {
        if (!routes.has('changes')) {
          return null;
        }
        const url = URLExt.join(settings.wsUrl, API_PREFIX, 'changes');
        return new settings.WebSocket(settings.token ? `${url}?token=${encodeURIComponent(settings.token)}` : url);
      }
    });
    void serverRoutes(client).then(r => {
      routes = r;
      model.setRoutes(r);
      if (r.has('changes')) {
        live.connect();
      }
    });

    // Charts are the views' main content: plotly.js loads once the page is idle, not on first use.
    void app.restored.then(preloadPlotly);
    registerNotebookCompareTab();

    // The table's layout, filters, sort and project come back after a reload.
    const restoredState = savedTableState();
    const stateReady = model
      .loadProjects()
      .then(() => (restoredState ? model.applyState(restoredState) : model.reload()))
      .catch(() => undefined);
    model.changed.connect((_, reason) => {
      if (reason === 'filters') {
        localStorage.setItem(TABLE_STATE_KEY, JSON.stringify(model.state));
      }
    });

    const dashboards = new Map<string, MainAreaWidget<ReactWidget>>();
    const tables = new Map<string, MainAreaWidget<ReactWidget>>();
    const hooks: IWorkbenchHooks = {
      openDashboard: path => void app.commands.execute(COMMANDS.openDashboard, { path }),
      openTable: path => void app.commands.execute(COMMANDS.openProject, { path }),
      copyLink: async widget => {
        const route = parseRoute((widget.node as HTMLElement).dataset.trackRoute);
        if (route) {
          await copyLink(route);
        }
      }
    };
    const tableRoute = (): Route =>
      model.projectPath ? { kind: 'project', path: model.projectPath } : { kind: 'table' };
    const showTable = () => {
      showOnce(tables, 'table', () => tableWidget(env, model, hooks), tableRoute());
      const widget = tables.get('table');
      if (widget) {
        widget.node.dataset.trackRoute = routeValue(tableRoute());
      }
    };
    model.changed.connect((_, reason) => {
      const widget = tables.get('table');
      if (widget && (reason === 'filters' || reason === 'projects')) {
        widget.node.dataset.trackRoute = routeValue(tableRoute());
        void views.save(widget);
      }
    });

    const sidebar = new SidebarWidget(
      env,
      model,
      live,
      () => showTable(),
      path => hooks.openDashboard(path)
    );
    app.shell.add(sidebar, 'left', { rank: 300 });
    restorer?.add(sidebar, sidebar.id);

    const runSidebar = new RunSidebarWidget(env, new QueuesModel(client), new PipelinesModel(client), live);
    app.shell.add(runSidebar, 'left', { rank: 301 });
    restorer?.add(runSidebar, runSidebar.id);
    const pipelines = new Map<string, MainAreaWidget<ReactWidget>>();

    app.commands.addCommand(COMMANDS.show, {
      label: 'Show Experiments',
      execute: () => {
        app.shell.activateById(sidebar.id);
      }
    });
    app.commands.addCommand(COMMANDS.openTask, {
      label: 'Open Task',
      execute: args => {
        const id = String(args.id ?? '');
        if (!id) {
          return;
        }
        const tab = TABS.find(t => t === args.tab) as TabName | undefined;
        showOnce(open, id, () => taskWidget(env, id, live, tab), { kind: 'task', id, ...(tab ? { tab } : {}) });
      }
    });
    app.commands.addCommand(COMMANDS.compare, {
      label: 'Compare Tasks',
      execute: args => {
        const ids = (args.ids as string[] | undefined) ?? [...model.selection];
        if (ids.length < 2) {
          return;
        }
        const existing = app.shell.node.querySelector(`[data-track-route="${routeValue({ kind: 'compare', ids })}"]`);
        if (existing?.id) {
          app.shell.activateById(existing.id);
          return;
        }
        const widget = compareWidget(env, ids);
        remember(widget, { kind: 'compare', ids });
        app.shell.add(widget, viewArea);
        app.shell.activateById(widget.id);
      }
    });
    app.commands.addCommand(COMMANDS.showQueues, {
      label: 'Show Queues, Workers & Pipelines',
      execute: () => {
        app.shell.activateById(runSidebar.id);
      }
    });
    app.commands.addCommand(COMMANDS.openPipeline, {
      label: 'Open Pipeline Run',
      execute: args => {
        const id = String(args.id ?? '');
        if (!id) {
          return;
        }
        showOnce(pipelines, id, () => pipelineWidget(env, id, live), { kind: 'pipeline', id });
      }
    });
    const models = new Map<string, MainAreaWidget<ReactWidget>>();
    app.commands.addCommand(COMMANDS.openModel, {
      label: 'Open Model',
      execute: args => {
        const id = String(args.id ?? '');
        if (!id) {
          return;
        }
        showOnce(models, id, () => modelWidget(env, id, live), { kind: 'model', id });
      }
    });
    if (!app.commands.hasCommand(COMMANDS.openDataset)) {
      // The Datasets section of the sidebar, where a dataset's versions and files are shown.
      app.commands.addCommand(COMMANDS.openDataset, {
        label: 'Open Dataset',
        execute: args => {
          app.shell.activateById(sidebar.id);
          sidebar.showSection('Datasets', String(args.id ?? ''));
        }
      });
    }
    app.commands.addCommand(COMMANDS.showTable, {
      label: 'Open Experiments Table',
      caption: 'The experiments table of the selected project in the main area',
      execute: () => showTable()
    });
    app.commands.addCommand(COMMANDS.openProject, {
      label: args => (args.path ? `Open Project ${String(args.path)}` : 'Open Project'),
      execute: async args => {
        await stateReady;
        const path = String(args.path ?? '');
        if (!(await model.setProjectPath(path))) {
          throw new Error(`There is no project "${path}"`);
        }
        showTable();
      }
    });
    app.commands.addCommand(COMMANDS.openDashboard, {
      label: args => (args.path ? 'Project Dashboard' : 'Experiments Home'),
      caption: 'Counts by status, recent activity, a metric over time and a leaderboard',
      execute: args => {
        const path = String(args.path ?? (args.current ? model.projectPath : ''));
        const route: Route = path ? { kind: 'dashboard', path } : { kind: 'home' };
        showOnce(dashboards, path || '(home)', () => dashboardWidget(env, path, hooks), route);
      }
    });
    app.commands.addCommand(COMMANDS.search, {
      label: 'Search Experiments',
      caption: 'Projects, tasks, models and datasets by name, id or tag',
      execute: () =>
        openSearch(env, found => {
          if (found.kind === 'project') {
            void app.commands.execute(COMMANDS.openProject, { path: found.id });
          } else if (found.kind === 'task') {
            env.openTask(found.id);
          } else if (found.kind === 'model') {
            env.openModel?.(found.id);
          } else {
            void app.commands.execute(COMMANDS.openDataset, { id: found.id });
          }
        })
    });
    app.commands.addKeyBinding({ command: COMMANDS.search, keys: ['Accel Alt K'], selector: 'body' });
    const openRoute = async (route: Route) => {
      switch (route.kind) {
        case 'task':
          return app.commands.execute(COMMANDS.openTask, { id: route.id, tab: route.tab ?? null });
        case 'compare':
          return app.commands.execute(COMMANDS.compare, { ids: route.ids });
        case 'project':
          return app.commands.execute(COMMANDS.openProject, { path: route.path });
        case 'table':
          await stateReady;
          await model.setProject(null);
          return showTable();
        case 'dashboard':
          return app.commands.execute(COMMANDS.openDashboard, { path: route.path });
        case 'home':
          return app.commands.execute(COMMANDS.openDashboard, { path: '' });
        case 'model':
          return app.commands.execute(COMMANDS.openModel, { id: route.id });
        case 'dataset':
          return app.commands.execute(COMMANDS.openDataset, { id: route.id });
        case 'pipeline':
          return app.commands.execute(COMMANDS.openPipeline, { id: route.id });
      }
    };
    app.commands.addCommand(COMMANDS.openRoute, {
      label: 'Open Experiments Link',
      execute: args => {
        const route = parseRoute(String(args.route ?? ''));
        return route ? openRoute(route) : undefined;
      }
    });
    app.commands.addCommand(COMMANDS.copyLink, {
      label: 'Copy Link to This View',
      isEnabled: () => !!parseRoute((app.shell.currentWidget?.node as HTMLElement | undefined)?.dataset.trackRoute),
      execute: async () => {
        const route = parseRoute((app.shell.currentWidget?.node as HTMLElement | undefined)?.dataset.trackRoute);
        if (route) {
          await copyLink(route);
        }
      }
    });
    if (restorer) {
      void restorer.restore(views, {
        command: COMMANDS.openRoute,
        args: w => ({ route: w.node.dataset.trackRoute ?? '' }),
        name: w => w.node.dataset.trackRoute ?? w.id
      });
    }
    // `{base_url}lab?track=<route>` opens that view once the application is ready.
    void app.restored.then(() => {
      const value = trackParam(window.location.search);
      const route = parseRoute(value);
      if (route) {
        void openRoute(route);
      } else if (value) {
        console.warn(`jupyter-ext: the link track=${value} names no view`);
      }
    });
    for (const command of [
      COMMANDS.show,
      COMMANDS.showQueues,
      COMMANDS.showTable,
      COMMANDS.search,
      COMMANDS.copyLink
    ]) {
      palette?.addItem({ command, category: 'Experiments' });
    }
    palette?.addItem({ command: COMMANDS.openDashboard, category: 'Experiments', args: { current: true } });
    palette?.addItem({ command: COMMANDS.openDashboard, category: 'Experiments', args: { path: '' } });
    palette?.addItem({ command: COMMANDS.compare, category: 'Experiments' });

    // The task of the notebook in focus: asked when focus moves and after each run of cells.
    if (notebooks) {
      linkNotebooks(notebooks);
      let watched: NotebookPanel | null = null;
      const ask = () => {
        const kernel = notebooks.currentWidget?.sessionContext.session?.kernel;
        void taskOfKernel(kernel)
          .then(id => model.setFocusTask(id))
          .catch(() => model.setFocusTask(null));
      };
      const onStatus = (_: unknown, status: string) => status === 'idle' && ask();
      notebooks.currentChanged.connect((_, panel) => {
        watched?.sessionContext.statusChanged.disconnect(onStatus);
        watched = panel;
        panel?.sessionContext.statusChanged.connect(onStatus);
        if (panel) {
          void panel.sessionContext.ready.then(ask);
        } else {
          model.setFocusTask(null);
        }
      });
    }
  }
};

export default plugin;
