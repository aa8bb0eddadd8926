import * as React from 'react';

import { formatTime } from '../model/format';
import { PipelinesModel, progressParts, stepProgress } from '../model/pipelines';
import { ErrorLine, StatusBadge, useSignal } from './common';
import { VirtualList } from './virtual';

/** The Pipelines panel: every run, newest first; a click opens its DAG in the main area. */
export function PipelinesPanel(props: { model: PipelinesModel; onOpen: (id: string) => void }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const [filter, setFilter] = React.useState('');
  React.useEffect(() => void model.refresh(), [model]);
  const needle = filter.toLowerCase();
  const runs = model.runs.filter(
    r => !needle || r.name.toLowerCase().includes(needle) || r.project_name.toLowerCase().includes(needle)
  );
  return (
    <div className="je-pipelines">
      <div className="je-toolbar">
        <span className="je-section-title">Pipelines</span>
        <input
          className="je-search"
          placeholder="Filter name, project"
          aria-label="Filter pipelines"
          value={filter}
          onChange={e => setFilter(e.target.value)}
        />
      </div>
      <ErrorLine error={model.error} />
      {model.loaded && runs.length === 0 ? <div className="je-empty">No pipeline runs.</div> : null}
      <VirtualList
        className="je-list"
        count={runs.length}
        rowHeight={44}
        renderRow={(i, style) => {
          const r = runs[i];
          const [done, total] = stepProgress(r);
          return (
            <div
              key={r.id}
              style={style}
              className="je-row je-pipeline-run"
              data-pipeline={r.name}
              data-task-id={r.id}
              onClick={() => props.onOpen(r.id)}
            >
              <div className="je-entry-main">
                <div className="je-entry-line">
                  <StatusBadge status={r.status} />
                  <span className="je-entry-name" title={r.id}>
                    {r.name}
                  </span>
                  <span className="je-steps" title="Steps finished / all steps">
                    {done}/{total} steps
                  </span>
                </div>
                <div className="je-entry-line je-dim">
                  <span>{r.project_name}</span>
                  <span>{formatTime(r.started ?? r.created)}</span>
                </div>
              </div>
              <div className="je-progress" aria-hidden="true">
                {progressParts(r).map(p => (
                  <div key={p.kind} className={`je-progress-${p.kind}`} style={{ width: `${100 * p.fraction}%` }} />
                ))}
              </div>
            </div>
          );
        }}
      />
    </div>
  );
}
