import * as React from 'react';
import { MainAreaWidget, ReactWidget } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';

import type { LiveFeed } from '../model/live';
import { ModelDetailsModel } from '../model/models';
import { EnvContext, IEnv } from './env';
import { liveTab } from './liveTab';
import { ModelView } from './modelView';

const MODEL_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
  '<path d="M12 2l9 5v10l-9 5-9-5V7zm0 2.3L5.2 8 12 11.8 18.8 8zM4.5 9.3v6.8l6.75 3.8v-6.8zm15 0l-6.75 3.8v6.8l6.75-3.8z"/></g></svg>';

export const modelIcon = new LabIcon({ name: 'jupyter-ext:model', svgstr: MODEL_SVG });

class ModelBody extends ReactWidget {
  constructor(
    readonly env: IEnv,
    readonly model: ModelDetailsModel
  ) {
    super();
    this.addClass('je-main');
  }
  render(): JSX.Element {
    return (
      <EnvContext.Provider value={this.env}>
        <ModelView model={this.model} onOpenModel={this.env.openModel} />
      </EnvContext.Provider>
    );
  }
}

/** A main-area tab with one model's details, re-read on the changes the server announces for it
 * (and on the fallback poll only while the tab is visible). */
export function modelWidget(env: IEnv, id: string, live: LiveFeed): MainAreaWidget<ReactWidget> {
  const model = new ModelDetailsModel(env.client, id);
  return liveTab(new ModelBody(env, model), model, live, {
    id: `jupyter-ext-model-${id}`,
    label: `Model ${id.slice(0, 8)}`,
    icon: modelIcon,
    title: () =>
      model.model
        ? { label: model.model.name, caption: `Model ${model.model.project_name ?? ''} / ${model.model.name} (${id})` }
        : null
  });
}
