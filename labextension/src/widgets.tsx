import * as React from 'react';
import { MainAreaWidget, ReactWidget } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';

import { ExperimentsModel } from './model/experiments';
import { LiveFeed } from './model/live';
import { PipelineModel, PipelinesModel } from './model/pipelines';
import { QueuesModel } from './model/queues';
import { TaskModel } from './model/task';
import { CompareView } from './views/compareView';
import { DatasetsPanel } from './views/datasetsPanel';
import { EnvContext, IEnv } from './views/env';
import { ExperimentsPanel } from './views/experimentsPanel';
import { liveTab } from './views/liveTab';
import { ModelsPanel } from './views/modelsPanel';
import { PipelinesPanel } from './views/pipelinesPanel';
import { PipelineView } from './views/pipelineView';
import { QueuesPanel } from './views/queuesPanel';
import { TabName, TaskView } from './views/task/taskView';
import { WhereChip } from './views/whereChip';

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
  '<path d="M3 3h2v16h16v2H3z"/><path d="M7 15l4-5 3 3 5-7 1.6 1.2-6.4 9-3-3-2.6 3.3z"/></g></svg>';

export const experimentsIcon = new LabIcon({ name: 'jupyter-ext:experiments', svgstr: ICON_SVG });

const QUEUES_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
  '<path d="M3 4h14v3H3zM3 10.5h14v3H3zM3 17h14v3H3z"/><path d="M19 9l3 3-3 3z"/></g></svg>';
const PIPELINE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
  '<rect x="2" y="9" width="6" height="6" rx="1"/><rect x="16" y="3" width="6" height="6" rx="1"/>' +
  '<rect x="16" y="15" width="6" height="6" rx="1"/><path d="M8 11.2h3.2V6.2H16v1.6h-3.2v3.4H8zM8 12.8h4.8v5H16v-1.6h-1.6V11.2H8z"/></g></svg>';

export const queuesIcon = new LabIcon({ name: 'jupyter-ext:queues', svgstr: QUEUES_SVG });
export const pipelineIcon = new LabIcon({ name: 'jupyter-ext:pipeline', svgstr: PIPELINE_SVG });

const SECTIONS = ['Experiments', 'Models', 'Datasets'] as const;

type Section = (typeof SECTIONS)[number];

function Sidebar(props: {
  env: IEnv;
  model: ExperimentsModel;
  live: LiveFeed;
  section: Section;
  onTable?: () => void;
  onDashboard?: (path: string) => void;
}): JSX.Element {
  const [section, setSection] = React.useState<Section>(props.section);
  React.useEffect(() => setSection(props.section), [props.section]);
  const [tick, setTick] = React.useState(0);
  React.useEffect(() => {
    const slot = () => setTick(t => t + 1);
    props.live.changed.connect(slot);
    return () => void props.live.changed.disconnect(slot);
  }, []);
  return (
    <EnvContext.Provider value={props.env}>
      <div className="je-sidebar">
        <div className="je-tabs je-sidebar-tabs" role="tablist">
          {SECTIONS.map(s => (
            <button
              key={s}
              role="tab"
              aria-selected={s === section}
              className={`je-tab ${s === section ? 'je-active' : ''}`}
              onClick={() => setSection(s)}
            >
              {s}
            </button>
          ))}
        </div>
        <WhereChip />
        {section === 'Experiments' ? (
          <ExperimentsPanel
            model={props.model}
            onOpen={props.env.openTask}
            onCompare={props.env.compare}
            onTable={props.onTable}
            onDashboard={props.onDashboard}
          />
        ) : section === 'Models' ? (
          <ModelsPanel refreshSignal={Math.floor(tick / 6)} />
        ) : (
          <DatasetsPanel refreshSignal={Math.floor(tick / 6)} />
        )}
      </div>
    </EnvContext.Provider>
  );
}

/** The left-sidebar panel. Its model reloads on changes only while the panel is visible. */
export class SidebarWidget extends ReactWidget {
  constructor(
    readonly env: IEnv,
    readonly model: ExperimentsModel,
    readonly live: LiveFeed,
    readonly onTable?: () => void,
    readonly onDashboard?: (path: string) => void
  ) {
    super();
    this.id = 'jupyter-ext-experiments';
    this.title.icon = experimentsIcon;
    this.title.caption = 'Experiments';
    this.addClass('je-sidebar-widget');
    live.changed.connect((_, change) => {
      if (this.isVisible || change.kind !== 'poll') {
        model.onChange(change);
      }
    });
  }

  protected onAfterShow(): void {
    void this.model.refresh();
  }

  /** Switch to a section (a link to a dataset opens the Datasets section). */
  showSection(section: Section, _id?: string): void {
    this._section = section;
    this.update();
  }

  render(): JSX.Element {
    return (
      <Sidebar
        env={this.env}
        model={this.model}
        live={this.live}
        section={this._section}
        onTable={this.onTable}
        onDashboard={this.onDashboard}
      />
    );
  }

  private _section: Section = 'Experiments';
}

const RUN_SECTIONS = ['Queues', 'Pipelines'] as const;

function RunSidebar(props: { env: IEnv; queues: QueuesModel; pipelines: PipelinesModel }): JSX.Element {
  const [section, setSection] = React.useState<(typeof RUN_SECTIONS)[number]>('Queues');
  return (
    <EnvContext.Provider value={props.env}>
      <div className="je-sidebar">
        <div className="je-tabs je-sidebar-tabs" role="tablist">
          {RUN_SECTIONS.map(s => (
            <button
              key={s}
              role="tab"
              aria-selected={s === section}
              className={`je-tab ${s === section ? 'je-active' : ''}`}
              onClick={() => setSection(s)}
            >
              {s === 'Queues' ? 'Queues & Workers' : s}
            </button>
          ))}
        </div>
        <WhereChip />
        {section === 'Queues' ? (
          <QueuesPanel model={props.queues} />
        ) : (
          <PipelinesPanel model={props.pipelines} onOpen={id => props.env.openPipeline?.(id)} />
        )}
      </div>
    </EnvContext.Provider>
  );
}

/**
 * The left-sidebar panel of remote execution: queues and workers, and pipeline runs. Changes
 * (pushed or polled) reach its models only while it is visible; showing it re-reads.
 */
export class RunSidebarWidget extends ReactWidget {
  constructor(
    readonly env: IEnv,
    readonly queues: QueuesModel,
    readonly pipelines: PipelinesModel,
    live: LiveFeed
  ) {
    super();
    this.id = 'jupyter-ext-queues';
    this.title.icon = queuesIcon;
    this.title.caption = 'Queues, Workers & Pipelines';
    this.addClass('je-sidebar-widget');
    live.changed.connect((_, change) => {
      if (this.isVisible) {
        queues.onChange(change);
        pipelines.onChange(change);
      }
    });
  }

  protected onAfterShow(): void {
    void this.queues.refresh();
    void this.pipelines.refresh();
  }

  render(): JSX.Element {
    return <RunSidebar env={this.env} queues={this.queues} pipelines={this.pipelines} />;
  }
}

class PipelineBody extends ReactWidget {
  constructor(
    readonly env: IEnv,
    readonly model: PipelineModel
  ) {
    super();
    this.addClass('je-main');
  }
  render(): JSX.Element {
    return (
      <EnvContext.Provider value={this.env}>
        <PipelineView model={this.model} />
      </EnvContext.Provider>
    );
  }
}

export function pipelineWidget(env: IEnv, id: string, live: LiveFeed): MainAreaWidget<ReactWidget> {
  const model = new PipelineModel(env.client, id);
  return liveTab(new PipelineBody(env, model), model, live, {
    id: `jupyter-ext-pipeline-${id}`,
    label: `Pipeline ${id.slice(0, 8)}`,
    icon: pipelineIcon,
    title: () =>
      model.pipeline
        ? { label: model.pipeline.task.name, caption: `Pipeline ${model.pipeline.task.name} (${id})` }
        : null
  });
}

class TaskBody extends ReactWidget {
  constructor(
    readonly env: IEnv,
    readonly model: TaskModel,
    private _onGone: () => void,
    private _tab?: TabName
  ) {
    super();
    this.addClass('je-main');
  }
  render(): JSX.Element {
    return (
      <EnvContext.Provider value={this.env}>
        <TaskView model={this.model} onGone={this._onGone} initialTab={this._tab} />
      </EnvContext.Provider>
    );
  }
}

export function taskWidget(env: IEnv, id: string, live: LiveFeed, tab?: TabName): MainAreaWidget<ReactWidget> {
  const model = new TaskModel(env.client, id);
  let widget: MainAreaWidget<ReactWidget> | null = null;
  const content = new TaskBody(env, model, () => widget?.dispose(), tab);
  widget = new MainAreaWidget({ content });
  widget.id = `jupyter-ext-task-${id}`;
  widget.title.label = `Task ${id.slice(0, 8)}`;
  widget.title.icon = experimentsIcon;
  widget.title.closable = true;
  const onChange = (_: unknown, change: { kind: string; id?: string }) => {
    if (widget?.isVisible || change.kind !== 'poll') {
      model.onChange(change);
    }
  };
  live.changed.connect(onChange);
  model.changed.connect((_, part) => {
    if (part === 'task' && model.task && widget) {
      widget.title.label = model.task.name;
      widget.title.caption = `${model.task.project_name ?? ''} / ${model.task.name} (${model.task.id})`;
    }
  });
  widget.disposed.connect(() => {
    live.changed.disconnect(onChange);
    model.dispose();
  });
  return widget;
}

class CompareBody extends ReactWidget {
  constructor(
    readonly env: IEnv,
    public ids: string[],
    readonly onIdsChange?: (ids: string[]) => void
  ) {
    super();
    this.addClass('je-main');
    this._initial = ids;
  }
  render(): JSX.Element {
    return (
      <EnvContext.Provider value={this.env}>
        <CompareView
          ids={this._initial}
          onIdsChange={ids => {
            this.ids = ids;
            this.onIdsChange?.(ids);
          }}
        />
      </EnvContext.Provider>
    );
  }
  // Tasks added or removed in the view stay in it: a re-render must not restore the first list.
  private _initial: string[];
}

/**
 * A compare tab of `ids`; tasks can be added and removed in it (its title follows, and
 * `onIdsChange` hears the new list, e.g. to update the URL).
 */
export function compareWidget(
  env: IEnv,
  ids: string[],
  onIdsChange?: (ids: string[]) => void
): MainAreaWidget<ReactWidget> {
  const body = new CompareBody(env, ids, next => {
    widget.title.label = `Compare ${next.length} tasks`;
    onIdsChange?.(next);
  });
  const widget = new MainAreaWidget({ content: body });
  widget.id = `jupyter-ext-compare-${ids.join('-').slice(0, 80)}`;
  widget.title.label = `Compare ${ids.length} tasks`;
  widget.title.icon = experimentsIcon;
  widget.title.closable = true;
  return widget;
}
