import * as React from 'react';
import { Clipboard } from '@jupyterlab/apputils';

import type { IModel, IModelVersion } from '../api/shapes';
import { formatNumber, formatTime } from '../model/format';
import {
  labelRows,
  metadataRows,
  metricCharts,
  metricLayout,
  ModelDetailsModel,
  versionRows,
  weightsAddress,
  weightsSize,
  withoutToken
} from '../model/models';
import { ErrorLine, useAction, useSignal } from './common';
import { InlineEdit, MetadataEditor, ModelActions } from './modelActions';
import { TagEditor } from './tagEditor';
import { useEnv } from './env';
import { Plot } from './plot';

/** Put text on the system clipboard: the async API where the page may use it, else a copy event. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    Clipboard.copyToSystem(text);
  }
}

function CopyButton(props: { text: string; what: string }): JSX.Element {
  const [copied, setCopied] = React.useState(false);
  React.useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      className="je-btn je-copy"
      data-action={`copy-${props.what}`}
      title={`Copy the ${props.what} to the clipboard`}
      disabled={!props.text}
      onClick={() => void copyText(props.text).then(() => setCopied(true))}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function Section(props: {
  title: string;
  name: string;
  count?: number;
  children: React.ReactNode;
  wide?: boolean;
}): JSX.Element {
  return (
    <section className={`je-model-section ${props.wide ? 'je-wide' : ''}`} data-section={props.name}>
      <h4>
        {props.title}
        {props.count !== undefined ? <span className="je-count">{props.count}</span> : null}
      </h4>
      {props.children}
    </section>
  );
}

/** The weights of the version shown: its address (copyable) and, for stored bytes, a download. */
function Weights(props: { weights: IModelVersion | null | undefined }): JSX.Element {
  const env = useEnv();
  const address = weightsAddress(props.weights);
  const download = address.sha256 ? env.blobUrl(address.sha256) : '';
  // The server's own store has no address outside the server: its download URL is the address.
  const shown = address.url || (download ? withoutToken(new URL(download, window.location.href).href) : '');
  if (!props.weights) {
    return <div className="je-dim">No weights yet.</div>;
  }
  return (
    <div className="je-weights">
      <code className="je-weights-url" title={shown}>
        {shown}
      </code>
      <CopyButton text={shown} what="weights-url" />
      {download ? (
        <a className="je-btn" href={download} download={props.weights.file_name || 'weights'}>
          Download
        </a>
      ) : null}
    </div>
  );
}

function Overview(props: {
  model: IModel;
  details: ModelDetailsModel;
  parentName: string | null;
  onOpenModel?: (id: string) => void;
}): JSX.Element {
  const env = useEnv();
  const m = props.model;
  const [, run] = useAction();
  const w = m.weights;
  const rows: [string, React.ReactNode][] = [
    ['ID', <code key="id">{m.id}</code>],
    ['Project', m.project_name ?? ''],
    ['Framework', m.framework || '—'],
    ['Version', m.version ? `v${m.version} of ${m.latest_version ?? m.version}` : 'no weights yet'],
    ['State', (m.published ? 'Published' : 'Draft') + (m.archived ? ', archived' : '')],
    [
      'Tags',
      <TagEditor key="tags" tags={m.tags ?? []} onChange={tags => void run(() => props.details.setTags(tags))} />
    ],
    ['Created', formatTime(m.created)],
    ['Updated', formatTime(m.last_update)],
    ['Size', weightsSize(w)],
    ['Iteration', w?.iteration ?? '—'],
    ['File', w ? `${w.file_name ?? ''}${w.is_package ? ' (package)' : ''}` : ''],
    ['User', m.user ?? ''],
    [
      'Task',
      m.task_id ? (
        <a
          key="task"
          href="#"
          data-action="open-task"
          onClick={e => (e.preventDefault(), env.openTask(m.task_id as string))}
        >
          {props.details.taskName ?? m.task_id}
        </a>
      ) : (
        '—'
      )
    ]
  ];
  if (m.parent_id) {
    rows.push([
      'Parent model',
      <a
        key="parent"
        href="#"
        data-action="open-parent"
        onClick={e => (e.preventDefault(), props.onOpenModel?.(m.parent_id as string))}
      >
        {props.parentName ?? m.parent_id.slice(0, 12)}
      </a>
    ]);
  }
  return (
    <table className="je-kv je-model-overview">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k} data-field={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Versions(props: { versions: IModelVersion[]; current?: number }): JSX.Element {
  const rows = versionRows(props.versions);
  if (!rows.length) {
    return <div className="je-dim">No versions yet.</div>;
  }
  return (
    <table className="je-grid je-model-versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>File</th>
          <th>Size</th>
          <th>Iteration</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(v => (
          <tr key={v.version} data-version={v.version} className={v.version === props.current ? 'je-current' : ''}>
            <td>v{v.version}</td>
            <td title={weightsAddress(v).url || v.file_name}>{v.file_name || (v.url ? String(v.url) : '')}</td>
            <td>{weightsSize(v)}</td>
            <td>{v.iteration ?? ''}</td>
            <td>{formatTime(v.created)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Metrics(props: { model: ModelDetailsModel }): JSX.Element {
  const { metrics, errors } = props.model;
  const charts = React.useMemo(() => metricCharts(metrics.scalars), [metrics]);
  const layouts = React.useMemo(() => new Map(charts.map(c => [c.title, metricLayout(c)])), [charts]);
  const empty = !charts.length && !metrics.single_values.length;
  return (
    <div className="je-model-metrics">
      <ErrorLine error={errors.metrics} />
      {empty && !errors.metrics ? <div className="je-empty">No metrics reported for this model.</div> : null}
      {metrics.single_values.length ? (
        <table className="je-grid je-single-values">
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {metrics.single_values.map(v => (
              <tr key={v.name} data-single-value={v.name}>
                <td>{v.name}</td>
                <td>{formatNumber(v.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {charts.length ? (
        <div className="je-charts">
          {charts.map(c => (
            <div className="je-chart" key={c.title} data-chart={c.title}>
              <Plot data={c.traces} layout={layouts.get(c.title)} height={250} />
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** The main-area view of one registered model: what it is, where its weights are, its versions
 * and its own metrics; re-read whenever the server announces a change to it. */
export function ModelView(props: { model: ModelDetailsModel; onOpenModel?: (id: string) => void }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  React.useEffect(() => void model.load(), [model]);
  const m = model.model;
  const labels = labelRows(m?.labels);
  const metadata = metadataRows(m?.metadata);
  return (
    <div className="je-model-view" data-model-id={model.id}>
      <div className="je-task-header">
        <div className="je-task-title">
          <span className={`je-status ${m?.published ? 'je-status-published' : 'je-status-created'}`}>
            {m?.published ? 'Published' : 'Draft'}
          </span>{' '}
          {m?.archived ? <span className="je-status je-status-stopped">Archived</span> : null}{' '}
          {m ? (
            <InlineEdit
              className="je-task-name"
              label="model name"
              value={m.name}
              onSave={name => model.rename(name)}
            />
          ) : (
            <span className="je-task-name">{model.id}</span>
          )}
          <span className="je-dim"> {m?.project_name ?? ''}</span>
        </div>
        <div className="je-toolbar">
          {m?.framework ? <span className="je-tag">{m.framework}</span> : null}
          {m?.version ? <span className="je-tag">v{m.version}</span> : null}
          <ModelActions model={model} />
          <button className="je-btn" onClick={() => void model.load()}>
            Refresh
          </button>
        </div>
      </div>
      {model.gone ? <div className="je-note">This model is no longer in the registry.</div> : null}
      <ErrorLine error={model.gone ? '' : model.errors.details} />
      {m ? (
        <div className="je-model-grid">
          <Section title="Overview" name="overview">
            <Overview model={m} details={model} parentName={model.parentName} onOpenModel={props.onOpenModel} />
          </Section>
          <div className="je-model-column">
            <Section title="Weights" name="weights">
              <Weights weights={m.weights} />
            </Section>
            <Section title="Description" name="description">
              <InlineEdit
                className="je-model-comment"
                label="description"
                multiline
                placeholder="No description."
                value={m.comment ?? ''}
                onSave={comment => model.describe(comment)}
              />
            </Section>
            <Section title="Versions" name="versions" count={model.versions.length}>
              <ErrorLine error={model.errors.versions} />
              <Versions versions={model.versions} current={m.version ?? undefined} />
            </Section>
          </div>
          <Section title="Metrics" name="metrics" wide>
            <Metrics model={model} />
          </Section>
          <Section title="Labels" name="labels" count={labels.length}>
            {labels.length ? (
              <table className="je-grid je-model-labels">
                <thead>
                  <tr>
                    <th>Label</th>
                    <th>ID</th>
                  </tr>
                </thead>
                <tbody>
                  {labels.map(l => (
                    <tr key={l.label} data-label={l.label}>
                      <td>{l.label}</td>
                      <td>{l.id}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <div className="je-dim">No labels.</div>
            )}
          </Section>
          <Section title="Metadata" name="metadata" count={metadata.length}>
            <MetadataEditor model={model} rows={metadata} />
          </Section>
          <Section title="Design" name="design" wide>
            {m.design ? (
              <details className="je-model-design">
                <summary>
                  Configuration <span className="je-dim">({m.design.split('\n').length} lines)</span>
                </summary>
                <pre className="je-code">{m.design}</pre>
              </details>
            ) : (
              <div className="je-dim">No design.</div>
            )}
          </Section>
        </div>
      ) : null}
    </div>
  );
}
