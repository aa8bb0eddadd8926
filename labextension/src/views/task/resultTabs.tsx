import * as React from 'react';

import type { IArtifact, IDebugSample, IPlot } from '../../api/shapes';
import { formatBytes, formatTime } from '../../model/format';
import { parseCsv } from '../../model/csv';
import { weightsSize } from '../../model/models';
import { groupSamples, ISampleGroup, sampleAt } from '../../model/samples';
import { TaskModel } from '../../model/task';
import { ErrorLine, useSignal } from '../common';
import { useEnv } from '../env';
import { Plot } from '../plot';
import { IterationSlider, SampleMedia, SampleViewer } from '../samples';
import { ShowCell } from './notebookTab';

export function figureOf(p: IPlot): { data: unknown[]; layout: Record<string, unknown> } {
  const fig = p.figure ?? p.plot ?? {};
  return {
    data: (fig.data as unknown[]) ?? [],
    layout: { title: { text: `${p.title} / ${p.series}` }, ...(fig.layout ?? {}) }
  };
}

/** Plots: every reported plotly figure (tables, histograms, confusion matrices, matplotlib). */
export function PlotsTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, p => p === 'plots');
  React.useEffect(() => void model.load('plots'), [model]);
  return (
    <div className="je-tab-plots">
      <ErrorLine error={model.errors.plots} />
      {model.plots.length === 0 ? <div className="je-empty">No plots reported.</div> : null}
      {model.plots.map((p, i) => {
        const fig = figureOf(p);
        return (
          <div className="je-chart" key={`${p.title}/${p.series}/${p.iteration}/${i}`} data-plot={p.title}>
            <ShowCell model={model} kind="plot" itemKey={`${p.title}/${p.series}/${p.iteration}`} />
            <Plot data={fig.data} layout={fig.layout} height={340} />
          </div>
        );
      })}
    </div>
  );
}

/** One title/series of debug samples: its own iteration slider, and a click opens the viewer. */
function SampleGroupCard(props: {
  model: TaskModel;
  group: ISampleGroup<IDebugSample>;
  onOpen: (iteration: number) => void;
}) {
  const env = useEnv();
  const { group } = props;
  const last = group.iterations[group.iterations.length - 1];
  const [iteration, setIteration] = React.useState(last);
  const sample = sampleAt(group.samples, iteration);
  return (
    <figure className="je-sample" data-sample-group={group.key}>
      {sample ? <SampleMedia env={env} sample={sample} onOpen={() => props.onOpen(sample.iteration)} /> : null}
      <figcaption>
        <span className="je-sample-key">{group.key}</span>
        <IterationSlider
          iterations={group.iterations}
          value={iteration}
          onChange={setIteration}
          label={`Iteration of ${group.key}`}
        />
        <ShowCell model={props.model} kind="debug" itemKey={`${group.title}/${group.series}`} />
      </figcaption>
    </figure>
  );
}

/** Debug samples: per title/series, each with its own iteration slider; a click opens it full size. */
export function DebugSamplesTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  const env = useEnv();
  useSignal(model.changed, p => p === 'debugSamples');
  React.useEffect(() => void model.load('debugSamples'), [model]);
  const groups = React.useMemo(() => groupSamples(model.debugSamples), [model.debugSamples]);
  const [open, setOpen] = React.useState<{ key: string; iteration: number } | null>(null);
  const openGroup = open ? groups.find(g => g.key === open.key) : undefined;
  return (
    <div className="je-tab-debug">
      <ErrorLine error={model.errors.debugSamples} />
      {groups.length ? null : <div className="je-empty">No debug samples reported.</div>}
      <div className="je-samples">
        {groups.map(g => (
          <SampleGroupCard
            key={g.key}
            model={model}
            group={g}
            onOpen={iteration => setOpen({ key: g.key, iteration })}
          />
        ))}
      </div>
      {open && openGroup ? (
        <SampleViewer
          env={env}
          group={openGroup}
          iteration={open.iteration}
          onIteration={iteration => setOpen({ key: open.key, iteration })}
          onClose={() => setOpen(null)}
        />
      ) : null}
    </div>
  );
}

/** Console: the last N lines, with a server-side search. */
export function ConsoleTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, p => p === 'console');
  React.useEffect(() => void model.load('console'), [model]);
  const [search, setSearch] = React.useState(model.consoleSearch);
  const [tail, setTail] = React.useState(model.consoleTail);
  const ref = React.useRef<HTMLPreElement>(null);
  React.useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== model.consoleSearch || tail !== model.consoleTail) {
        void model.setConsoleQuery(tail, search);
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [search, tail]);
  React.useEffect(() => {
    if (ref.current) {
      ref.current.scrollTop = ref.current.scrollHeight; // a tail follows the end
    }
  }, [model.console]);
  const text = model.console.map(l => l.text ?? l.line ?? '').join('');
  return (
    <div className="je-tab-console">
      <div className="je-toolbar">
        <input
          className="je-search"
          placeholder="Search console"
          aria-label="Search console"
          value={search}
          onChange={e => setSearch(e.target.value)}
        />
        <select className="je-select" aria-label="Tail" value={tail} onChange={e => setTail(Number(e.target.value))}>
          {[100, 1000, 10000, 100000].map(n => (
            <option key={n} value={n}>
              last {n.toLocaleString()} lines
            </option>
          ))}
        </select>
        <ShowCell model={model} kind="console" itemKey="last" />
      </div>
      <ErrorLine error={model.errors.console} />
      <pre className="je-console" ref={ref}>
        {text || 'No console output.'}
      </pre>
    </div>
  );
}

function ArtifactPreview(props: { artifact: IArtifact }): JSX.Element {
  const a = props.artifact;
  const env = useEnv();
  const [text, setText] = React.useState<string | null>(null);
  const [error, setError] = React.useState('');
  const type = (a.content_type ?? '').toLowerCase();
  const name = a.file_name || a.metadata?.file_name || a.name;
  // Compressed or binary files (a DataFrame's .csv.gz, .npz, .parquet) show the stored preview.
  const packed = /\.(gz|zip|npz|parquet|pkl|pickle|bin)$/i.test(name);
  const isImage = type.startsWith('image/');
  const isHtml = type.includes('html') || /\.html?$/.test(name);
  const isJson = type.includes('json') || /\.json$/.test(name);
  const isCsv = (type.includes('csv') || /\.csv$/.test(name)) && !packed;
  const small = (a.size ?? 0) < 2_000_000 && !packed;
  React.useEffect(() => {
    if (a.sha256 && !isImage && small && (isHtml || isJson || isCsv || type.startsWith('text/'))) {
      env.client.blobText(a.sha256).then(setText, (e: Error) => setError(e.message));
    }
  }, [a.sha256]);
  if (error) {
    return <ErrorLine error={error} />;
  }
  if (isImage && a.sha256) {
    return <img className="je-artifact-img" src={env.blobUrl(a.sha256)} alt={a.name} />;
  }
  if (text !== null && isHtml) {
    // Untrusted HTML: no scripts, no same-origin access to the Jupyter session.
    return <iframe className="je-artifact-html" sandbox="" srcDoc={text} title={a.name} />;
  }
  if (text !== null && isJson) {
    let pretty = text;
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // show as stored
    }
    return <pre className="je-code">{pretty}</pre>;
  }
  if (text !== null && isCsv) {
    // A real CSV reader: quoted fields with commas or line breaks stay one cell (Titanic's names).
    const rows = parseCsv(text, 101, /\.tsv$/.test(name) || type.includes('tsv') ? '\t' : ',');
    return (
      <table className="je-grid je-csv">
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>{r.map((c, j) => (i === 0 ? <th key={j}>{c}</th> : <td key={j}>{c}</td>))}</tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (text !== null) {
    return <pre className="je-code">{text}</pre>;
  }
  if (a.preview) {
    return <pre className="je-code">{a.preview}</pre>;
  }
  return <span className="je-dim">No preview.</span>;
}

/** Artifacts: each with its metadata, a download link and a preview that fits its type. */
export function ArtifactsTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  const env = useEnv();
  useSignal(model.changed, p => p === 'artifacts');
  React.useEffect(() => void model.load('artifacts'), [model]);
  const [open, setOpen] = React.useState<string | null>(null);
  return (
    <div className="je-tab-artifacts">
      <ErrorLine error={model.errors.artifacts} />
      {model.artifacts.length === 0 ? <div className="je-empty">No artifacts.</div> : null}
      {model.artifacts.map(a => (
        <div key={a.name} className="je-artifact" data-artifact={a.name}>
          <div className="je-artifact-head" onClick={() => setOpen(open === a.name ? null : a.name)}>
            <span className="je-twisty">{open === a.name ? '▾' : '▸'}</span>
            <b>{a.name}</b> <span className="je-dim">{a.type}</span>{' '}
            <span className="je-dim">{formatBytes(a.size)}</span>{' '}
            {a.sha256 ? (
              <a href={env.blobUrl(a.sha256)} download={a.name} onClick={e => e.stopPropagation()}>
                download
              </a>
            ) : null}
            <ShowCell model={model} kind="artifact" itemKey={a.name} />
          </div>
          {open === a.name ? <ArtifactPreview artifact={a} /> : null}
        </div>
      ))}
    </div>
  );
}

/** Models: input and output models of the task. */
export function ModelsTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  const env = useEnv();
  useSignal(model.changed, p => p === 'models');
  React.useEffect(() => void model.load('models'), [model]);
  return (
    <div className="je-tab-models">
      <ErrorLine error={model.errors.models} />
      {model.models.length === 0 ? <div className="je-empty">No models.</div> : null}
      <table className="je-grid">
        <tbody>
          {model.models.map(m => (
            <tr key={`${m.role ?? ''}/${m.id}`} data-model={m.name}>
              <th>
                {env.openModel ? (
                  <a href="#" data-action="open-model" onClick={e => (e.preventDefault(), env.openModel?.(m.id))}>
                    {m.name}
                  </a>
                ) : (
                  m.name
                )}
              </th>
              <td>{m.role ?? ''}</td>
              <td>{m.framework}</td>
              <td>{m.published ? 'published' : ''}</td>
              <td>{formatTime(m.created)}</td>
              <td>{weightsSize(m.weights)}</td>
              <td className="je-dim">
                <code>{m.weights?.url ?? ''}</code>
              </td>
              <td>
                <ShowCell model={model} kind="model" itemKey={m.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
