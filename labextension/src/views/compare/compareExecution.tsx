import * as React from 'react';

import type { IArtifact, ISingleValue } from '../../api/shapes';
import { executionRows, lineDiff, requirementsText, singleValueTable } from '../../model/compare';
import { CompareModel } from '../../model/compareModel';
import { formatBytes } from '../../model/format';
import { ErrorLine, useSignal } from '../common';
import { IEnv } from '../env';
import { DiffTable } from './compareParams';

/** Execution diff: repository, commit, entry point, arguments, uncommitted changes, packages. */
export function CompareExecution(props: { model: CompareModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, c => c === 'tasks');
  const [onlyDiff, setOnlyDiff] = React.useState(true);
  const tasks = model.tasks;
  const rows = executionRows(tasks.map(t => ({ script: t.task.script, runtime: t.task.runtime })));
  const base = requirementsText(tasks[0]?.task.script?.requirements);
  return (
    <div className="je-compare-exec">
      <label className="je-check">
        <input type="checkbox" checked={onlyDiff} onChange={e => setOnlyDiff(e.target.checked)} /> only differences
      </label>
      <DiffTable
        rows={rows}
        names={tasks.map(t => t.task.name)}
        colors={tasks.map(t => model.color(t.task.id))}
        onlyDiff={onlyDiff}
        label="Execution"
        pre
      />
      {tasks.length > 1 ? (
        <>
          <h4>Installed packages against {tasks[0].task.name}</h4>
          <div className="je-side-row" style={{ ['--je-cols' as string]: tasks.length - 1 }}>
            {tasks.slice(1).map(t => {
              const d = lineDiff(base, requirementsText(t.task.script?.requirements));
              return (
                <div key={t.task.id} className="je-side-cell" data-packages-of={t.task.id}>
                  <b>
                    <span className="je-swatch" style={{ background: model.color(t.task.id) }} />
                    {t.task.name}
                  </b>
                  {d.added.length + d.removed.length === 0 ? (
                    <div className="je-dim">same packages</div>
                  ) : (
                    <pre className="je-code je-diff-pre">
                      {d.removed.map(l => (
                        <div key={`-${l}`} className="je-line-removed">
                          − {l}
                        </div>
                      ))}
                      {d.added.map(l => (
                        <div key={`+${l}`} className="je-line-added">
                          + {l}
                        </div>
                      ))}
                    </pre>
                  )}
                </div>
              );
            })}
          </div>
        </>
      ) : null}
    </div>
  );
}

/** Single values and artifacts of the drawn tasks, side by side. */
export function CompareValues(props: { model: CompareModel; env: IEnv }): JSX.Element {
  const { model, env } = props;
  useSignal(model.changed, c => c === 'tasks' || c === 'shown');
  const ids = model.shownIds;
  const [values, setValues] = React.useState<ISingleValue[][] | null>(null);
  const [artifacts, setArtifacts] = React.useState<IArtifact[][] | null>(null);
  const [error, setError] = React.useState('');
  React.useEffect(() => {
    let cancelled = false;
    Promise.all([
      Promise.all(ids.map(id => env.client.singleValues(id))),
      Promise.all(ids.map(id => env.client.artifacts(id)))
    ])
      .then(([v, a]) => !cancelled && (setValues(v), setArtifacts(a)))
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [ids.join(',')]);
  const names = new Map(model.tasks.map(t => [t.task.id, t.task.name]));
  return (
    <div className="je-compare-values">
      <ErrorLine error={error} />
      <h4>Single values</h4>
      {values ? (
        <DiffTable
          rows={singleValueTable(values)}
          names={ids.map(id => names.get(id) ?? id)}
          colors={ids.map(id => model.color(id))}
          onlyDiff={false}
          label="Value"
        />
      ) : (
        <div className="je-empty">Loading…</div>
      )}
      <h4>Artifacts</h4>
      <div className="je-side-by-side">
        {(artifacts ?? []).map((list, i) => (
          <div key={ids[i]} className="je-side">
            <h4>
              <span className="je-swatch" style={{ background: model.color(ids[i]) }} />
              {names.get(ids[i]) ?? ids[i]}
            </h4>
            {list.map(a => (
              <div key={a.name} className="je-artifact">
                <b>{a.name}</b> <span className="je-dim">{a.type}</span>{' '}
                <span className="je-dim">{formatBytes(a.size)}</span>
                {a.preview ? <pre className="je-code">{a.preview}</pre> : null}
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
