import * as React from 'react';
import { MainAreaWidget, ReactWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { ExperimentsModel } from '../../model/experiments';
import { experimentsIcon } from '../../widgets';
import { EnvContext, IEnv } from '../env';
import { Dashboard } from './dashboard';
import { IFound, SearchBox } from './search';
import { TableView } from './tableView';

export interface IWorkbenchHooks {
  openDashboard: (path: string) => void;
  openTable: (path: string) => void;
  copyLink: (widget: Widget) => Promise<void>;
}

class TableBody extends ReactWidget {
  constructor(
    readonly env: IEnv,
    readonly model: ExperimentsModel,
    readonly hooks: IWorkbenchHooks
  ) {
    super();
    this.addClass('je-main');
  }
  render(): JSX.Element {
    return (
      <EnvContext.Provider value={this.env}>
        <TableView
          model={this.model}
          onOpen={this.env.openTask}
          onCompare={this.env.compare}
          onDashboard={this.hooks.openDashboard}
          copyLink={() => this.hooks.copyLink(this.parent ?? this)}
        />
      </EnvContext.Provider>
    );
  }
}

/** The experiments table in the main area (one per JupyterLab; it follows the model's project). */
export function tableWidget(env: IEnv, model: ExperimentsModel, hooks: IWorkbenchHooks): MainAreaWidget<ReactWidget> {
  const widget = new MainAreaWidget({ content: new TableBody(env, model, hooks) });
  widget.id = 'jupyter-ext-table';
  widget.title.icon = experimentsIcon;
  widget.addClass('je-table-widget');
  const title = () => {
    widget.title.label = model.projectPath ? `Experiments: ${model.projectPath.split('/').pop()}` : 'Experiments';
    widget.title.caption = `Experiments table of ${model.projectPath || 'every project'}`;
  };
  title();
  widget.title.closable = true;
  model.changed.connect((_, reason) => (reason === 'filters' || reason === 'projects') && title());
  return widget;
}

class DashboardBody extends ReactWidget {
  private _tick = 0;
  constructor(
    readonly env: IEnv,
    readonly path: string,
    readonly hooks: IWorkbenchHooks
  ) {
    super();
    this.addClass('je-main');
  }
  refresh(): void {
    this._tick++;
    this.update();
  }
  render(): JSX.Element {
    return (
      <EnvContext.Provider value={this.env}>
        <Dashboard
          path={this.path}
          refreshSignal={this._tick}
          onOpenProject={p => this.hooks.openDashboard(p)}
          onOpenTable={p => this.hooks.openTable(p)}
          copyLink={() => this.hooks.copyLink(this.parent ?? this)}
        />
      </EnvContext.Provider>
    );
  }
}

/** A project's dashboard, or the home view over every project (`path` ''). */
export function dashboardWidget(env: IEnv, path: string, hooks: IWorkbenchHooks): MainAreaWidget<ReactWidget> {
  const body = new DashboardBody(env, path, hooks);
  const widget = new MainAreaWidget({ content: body });
  widget.id = `jupyter-ext-dashboard-${path.replace(/[^A-Za-z0-9_-]/g, '_') || 'home'}`;
  widget.title.label = path ? `Dashboard: ${path.split('/').pop()}` : 'Experiments home';
  widget.title.caption = path ? `Dashboard of ${path}` : 'Every project';
  widget.title.icon = experimentsIcon;
  widget.title.closable = true;
  return widget;
}

/** The global search box, over the page; closes itself. */
export function openSearch(env: IEnv, onPick: (found: IFound) => void): void {
  const existing = document.querySelector('.je-search-host');
  if (existing) {
    (existing.querySelector('input') as HTMLInputElement | null)?.focus();
    return;
  }
  const host = new (class extends ReactWidget {
    render(): JSX.Element {
      return <SearchBox client={env.client} onPick={onPick} onClose={() => this.dispose()} />;
    }
  })();
  host.addClass('je-search-host');
  Widget.attach(host, document.body);
  host.update();
}
