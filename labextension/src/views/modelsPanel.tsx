import * as React from 'react';

import type { IModel } from '../api/shapes';
import { formatTime } from '../model/format';
import { ErrorLine, Tags } from './common';
import { useEnv } from './env';
import { VirtualList } from './virtual';

/** The Models panel: the registry, filterable; a click opens the model's details in the main area
 * (where there is one), next to the list, which stays as it is. */
export function ModelsPanel(props: { refreshSignal: number }): JSX.Element {
  const env = useEnv();
  const [models, setModels] = React.useState<IModel[]>([]);
  const [error, setError] = React.useState('');
  const [filter, setFilter] = React.useState('');
  const [picked, setPicked] = React.useState<IModel | null>(null);
  React.useEffect(() => {
    env.client
      .models({ limit: 100000 })
      .then(answer => (setModels(answer.items ?? []), setError('')))
      .catch((e: Error) => setError(e.message));
  }, [props.refreshSignal]);
  const needle = filter.toLowerCase();
  const shown = models.filter(
    m =>
      !needle ||
      m.name.toLowerCase().includes(needle) ||
      (m.framework ?? '').toLowerCase().includes(needle) ||
      (m.tags ?? []).some(t => t.toLowerCase().includes(needle))
  );
  return (
    <div className="je-models">
      <div className="je-toolbar">
        <span className="je-section-title">Models</span>
        <input
          className="je-search"
          placeholder="Filter name, framework, tag"
          value={filter}
          onChange={e => setFilter(e.target.value)}
        />
      </div>
      <ErrorLine error={error} />
      <VirtualList
        className="je-list"
        count={shown.length}
        rowHeight={26}
        renderRow={(i, style) => {
          const m = shown[i];
          return (
            <div
              key={m.id}
              style={style}
              className={`je-row ${picked?.id === m.id ? 'je-selected' : ''}`}
              data-model={m.name}
              title={`${m.name} — open its details`}
              onClick={() => (setPicked(m), env.openModel?.(m.id))}
            >
              <div className="je-cell" style={{ width: 160 }}>
                {m.name}
              </div>
              <div className="je-cell je-dim" style={{ width: 34 }}>
                {m.latest_version ? `v${m.latest_version}` : ''}
              </div>
              <div className="je-cell" style={{ width: 80 }}>
                {m.framework}
              </div>
              <div className="je-cell" style={{ width: 70 }}>
                {m.published ? 'published' : 'draft'}
              </div>
              <div className="je-cell je-dim" style={{ width: 70 }} title={`Owner: ${m.user || 'unknown'}`}>
                {m.user}
              </div>
              <div className="je-cell" style={{ width: 120 }}>
                <Tags tags={m.tags} />
              </div>
            </div>
          );
        }}
      />
      {picked && !env.openModel ? (
        <div className="je-details">
          <b>{picked.name}</b> <span className="je-dim">{picked.project_name}</span>
          <div>
            Created {formatTime(picked.created)}
            {picked.latest_version ? ` · v${picked.latest_version}` : ''} · {picked.published ? 'published' : 'draft'}
          </div>
          {picked.task_id ? (
            <a href="#" onClick={e => (e.preventDefault(), env.openTask(picked.task_id as string))}>
              open the task that made it
            </a>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
