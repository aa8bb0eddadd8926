import { MainAreaWidget, ReactWidget } from '@jupyterlab/apputils';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';

import type { IChange } from '../api/shapes';
import type { LiveFeed } from '../model/live';

/** What a main-area view reads from: told of every change, re-read by itself. */
export interface ILiveModel {
  readonly changed: ISignal<unknown, void>;
  onChange(change: IChange): void;
  dispose(): void;
}

/** A closable main-area tab whose model hears the server's changes (and the fallback poll only
 * while the tab is visible, so hidden tabs cost nothing), and is disposed with the tab.
 * `title()` gives the label and caption once the model has read what it shows. */
export function liveTab(
  content: ReactWidget,
  model: ILiveModel,
  live: LiveFeed,
  options: { id: string; label: string; icon: LabIcon; title: () => { label: string; caption: string } | null }
): MainAreaWidget<ReactWidget> {
  const widget = new MainAreaWidget({ content });
  widget.id = options.id;
  widget.title.label = options.label;
  widget.title.icon = options.icon;
  widget.title.closable = true;
  const onChange = (_: unknown, change: IChange) => {
    if (widget.isVisible || change.kind !== 'poll') {
      model.onChange(change);
    }
  };
  live.changed.connect(onChange);
  model.changed.connect(() => {
    const title = options.title();
    if (title) {
      widget.title.label = title.label;
      widget.title.caption = title.caption;
    }
  });
  widget.disposed.connect(() => {
    live.changed.disconnect(onChange);
    model.dispose();
  });
  return widget;
}
