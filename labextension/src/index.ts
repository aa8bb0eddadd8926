import { ILabShell, ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, ReactWidget } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { TrackClient } from './api/client';
import { blobUrl, jupyterTransport } from './api/request';
import { API_PREFIX } from './api/transport';
import { taskOfKernel } from './focus';
import { ExperimentsModel } from './model/experiments';
import { LiveFeed } from './model/live';
import { PipelinesModel } from './model/pipelines';
import { QueuesModel } from './model/queues';
import { notebookHost } from './notebookHost';
import { linkNotebooks } from './snapshot';
import { IEnv } from './views/env';
import { modelWidget } from './views/modelWidget';
import { TABS, TabName } from './views/task/taskView';
import { compareWidget, pipelineWidget, RunSidebarWidget, SidebarWidget, taskWidget } from './widgets';

export const COMMANDS = {
  show: 'jupyter-ext:show-experiments',
  openTask: 'jupyter-ext:open-task',
  compare: 'jupyter-ext:compare-tasks',
  showQueues: 'jupyter-ext:show-queues',
  openPipeline: 'jupyter-ext:open-pipeline',
  openModel: 'jupyter-ext:open-model'
};

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
    const showOnce = (
      tabs: Map<string, MainAreaWidget<ReactWidget>>,
      id: string,
      make: () => MainAreaWidget<ReactWidget>
    ) => {
      let widget = tabs.get(id);
      if (!widget || widget.isDisposed) {
        widget = make();
        tabs.set(id, widget);
        widget.disposed.connect(() => tabs.delete(id));
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

    const sidebar = new SidebarWidget(env, model, live);
    app.shell.add(sidebar, 'left', { rank: 300 });
    restorer?.add(sidebar, sidebar.id);
    void model.loadProjects().catch(() => undefined);
    void model.reload();

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
        showOnce(open, id, () => taskWidget(env, id, live, tab));
      }
    });
    app.commands.addCommand(COMMANDS.compare, {
      label: 'Compare Tasks',
      execute: args => {
        const ids = (args.ids as string[] | undefined) ?? [...model.selection];
        if (ids.length < 2) {
          return;
        }
        const widget = compareWidget(env, ids);
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
        showOnce(pipelines, id, () => pipelineWidget(env, id, live));
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
        showOnce(models, id, () => modelWidget(env, id, live));
      }
    });
    palette?.addItem({ command: COMMANDS.show, category: 'Experiments' });
    palette?.addItem({ command: COMMANDS.showQueues, category: 'Experiments' });

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
