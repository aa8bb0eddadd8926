import * as React from 'react';

import type { IDebugSample, IPlot } from '../../api/shapes';
import { CompareModel } from '../../model/compareModel';
import { groupSamples, ISampleGroup, sampleAt, unionIterations } from '../../model/samples';
import { useSignal } from '../common';
import { IEnv } from '../env';
import { Plot } from '../plot';
import { IterationSlider, SampleMedia, SampleViewer } from '../samples';
import { figureOf } from '../task/resultTabs';

function TaskHeads(props: { model: CompareModel }): JSX.Element {
  const names = new Map(props.model.tasks.map(t => [t.task.id, t.task.name]));
  return (
    <div className="je-side-row je-side-head">
      {props.model.shownIds.map(id => (
        <div key={id} className="je-side-cell">
          <span className="je-swatch" style={{ background: props.model.color(id) }} />
          {names.get(id) ?? id}
        </div>
      ))}
    </div>
  );
}

/** Plots side by side: one row per plot title/series, one cell per drawn task (its last report). */
export function ComparePlots(props: { model: CompareModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, c => c === 'plots' || c === 'shown' || c === 'tasks');
  React.useEffect(() => void model.loadPlots(), [model, model.shownIds.join(',')]);
  const ids = model.shownIds;
  const rows = new Map<string, Map<string, IPlot>>();
  for (const id of ids) {
    for (const p of model.plots(id) ?? []) {
      const key = `${p.title} / ${p.series}`;
      const row = rows.get(key) ?? new Map<string, IPlot>();
      const had = row.get(id);
      if (!had || p.iteration >= had.iteration) {
        row.set(id, p);
      }
      rows.set(key, row);
    }
  }
  if (!rows.size) {
    return <div className="je-empty">{ids.every(id => model.plots(id)) ? 'No plots reported.' : 'Loading plots…'}</div>;
  }
  return (
    <div className="je-side-grid" style={{ ['--je-cols' as string]: ids.length }}>
      <TaskHeads model={model} />
      {[...rows.entries()].map(([key, row]) => (
        <div key={key} className="je-side-block" data-plot-row={key}>
          <h4>{key}</h4>
          <div className="je-side-row">
            {ids.map(id => {
              const p = row.get(id);
              const fig = p ? figureOf(p) : null;
              return (
                <div key={id} className="je-side-cell je-chart">
                  {fig ? <Plot data={fig.data} layout={fig.layout} height={300} /> : <span className="je-dim">—</span>}
                </div>
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}

/** One title/series of every drawn task at the same iteration (one slider for the row). */
function SampleRow(props: {
  model: CompareModel;
  env: IEnv;
  rowKey: string;
  groups: Map<string, ISampleGroup<IDebugSample>>;
}): JSX.Element {
  const { model, env, groups } = props;
  const ids = model.shownIds;
  const iterations = unionIterations([...groups.values()].map(g => g.iterations));
  const [iteration, setIteration] = React.useState(iterations[iterations.length - 1] ?? 0);
  const [open, setOpen] = React.useState<{ id: string; iteration: number } | null>(null);
  const openGroup = open ? groups.get(open.id) : undefined;
  return (
    <div className="je-side-block" data-sample-row={props.rowKey}>
      <h4>
        {props.rowKey}{' '}
        <IterationSlider
          iterations={iterations}
          value={iteration}
          onChange={setIteration}
          label={`Iteration of ${props.rowKey}`}
        />
      </h4>
      <div className="je-side-row">
        {ids.map(id => {
          const g = groups.get(id);
          const s = g ? sampleAt(g.samples, iteration) : null;
          return (
            <figure key={id} className="je-side-cell je-sample">
              {s ? (
                <>
                  <SampleMedia env={env} sample={s} onOpen={() => setOpen({ id, iteration: s.iteration })} />
                  <figcaption>
                    iteration {s.iteration}
                    {s.iteration !== iteration ? <span className="je-dim"> (nearest before)</span> : null}
                  </figcaption>
                </>
              ) : (
                <span className="je-dim">—</span>
              )}
            </figure>
          );
        })}
      </div>
      {open && openGroup ? (
        <SampleViewer
          env={env}
          group={openGroup}
          iteration={open.iteration}
          onIteration={it => setOpen({ id: open.id, iteration: it })}
          onClose={() => setOpen(null)}
        />
      ) : null}
    </div>
  );
}

/** Debug samples side by side: per title/series, each task's sample at the same iteration. */
export function CompareSamples(props: { model: CompareModel; env: IEnv }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, c => c === 'samples' || c === 'shown' || c === 'tasks');
  React.useEffect(() => void model.loadSamples(), [model, model.shownIds.join(',')]);
  const ids = model.shownIds;
  const rows = new Map<string, Map<string, ISampleGroup<IDebugSample>>>();
  for (const id of ids) {
    for (const g of groupSamples(model.samples(id) ?? [])) {
      const row = rows.get(g.key) ?? new Map<string, ISampleGroup<IDebugSample>>();
      row.set(id, g);
      rows.set(g.key, row);
    }
  }
  if (!rows.size) {
    return (
      <div className="je-empty">
        {ids.every(id => model.samples(id)) ? 'No debug samples reported.' : 'Loading debug samples…'}
      </div>
    );
  }
  return (
    <div className="je-side-grid" style={{ ['--je-cols' as string]: ids.length }}>
      <TaskHeads model={model} />
      {[...rows.entries()].map(([key, groups]) => (
        <SampleRow key={key} model={model} env={props.env} rowKey={key} groups={groups} />
      ))}
    </div>
  );
}
