import * as React from 'react';

import { ErrorLine } from './common';
import { useEnv } from './env';

/** One output, summarised by the server (text, or a small PNG as a data URL). */
interface IOutput {
  type: string;
  text?: string;
  image?: string;
}

/** A cell of the diff (`GET notebooks/diff`, nbdime's model aligned by the server). */
interface IDiffRow {
  status: 'unchanged' | 'modified' | 'added' | 'removed';
  a: number | null;
  b: number | null;
  cell_type: string;
  id: string;
  parameters: boolean;
  source?: string;
  source_changed?: boolean;
  source_diff?: [string, string][];
  outputs?: IOutput[];
  outputs_changed?: boolean;
  outputs_a?: IOutput[];
  outputs_b?: IOutput[];
  metadata_changed?: string[];
}

interface IDiff {
  rows: IDiffRow[];
  counts: Record<string, number>;
  metadata_changed: string[];
}

function Outputs(props: { items: IOutput[]; cls: string }): JSX.Element {
  if (!props.items.length) {
    return <pre className="je-dim">no output</pre>;
  }
  return (
    <div>
      {props.items.map((o, i) =>
        o.image ? (
          <img key={i} className={props.cls} src={o.image} alt={o.text ?? 'output'} />
        ) : (
          <pre key={i} className={props.cls}>
            {o.text ?? ''}
          </pre>
        )
      )}
    </div>
  );
}

function Row(props: { row: IDiffRow; names: [string, string] }): JSX.Element {
  const { row } = props;
  const where = row.b !== null ? `cell ${row.b + 1}` : `cell ${(row.a ?? 0) + 1} of ${props.names[0]}`;
  const cls = row.status === 'added' ? 'je-add' : row.status === 'removed' ? 'je-del' : '';
  return (
    <div
      className={`je-nbdiff-row ${row.parameters ? 'je-params' : ''}`}
      data-status={row.status}
      data-cell={row.id}
      data-parameters={row.parameters}
    >
      <div className="je-nbdiff-head">
        <span>{where}</span>
        <span className="je-nbdiff-tag">{row.status}</span>
        {row.parameters ? <span className="je-nbdiff-tag je-params-tag">parameters</span> : null}
        {row.outputs_changed ? <span className="je-nbdiff-tag">output changed</span> : null}
        {row.metadata_changed?.length ? (
          <span className="je-nbdiff-tag">metadata: {row.metadata_changed.join(', ')}</span>
        ) : null}
      </div>
      {row.status === 'added' || row.status === 'removed' ? (
        <>
          <pre className={cls}>{row.source}</pre>
          {row.outputs?.length ? (
            <div className="je-nbdiff-outs">
              <Outputs items={row.outputs} cls={cls} />
            </div>
          ) : null}
        </>
      ) : (
        <>
          {row.source_changed
            ? (row.source_diff ?? []).map(([tag, text], i) => (
                <pre key={i} className={tag === '+' ? 'je-add' : tag === '-' ? 'je-del' : ''}>
                  {tag === '=' ? ' ' : tag} {text}
                </pre>
              ))
            : (row.source ?? '').split('\n').map((line, i) => (
                <pre key={i} className="je-context">
                  {'  '}
                  {line}
                </pre>
              ))}
          {row.outputs_changed ? (
            <div className="je-nbdiff-outs" data-outputs="changed">
              <Outputs items={row.outputs_a ?? []} cls="je-del" />
              <Outputs items={row.outputs_b ?? []} cls="je-add" />
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

/** Unchanged cells between changes, folded to one line that opens them. */
function Folded(props: { rows: IDiffRow[] }): JSX.Element {
  const [open, setOpen] = React.useState(false);
  if (open) {
    return (
      <>
        {props.rows.map(r => (
          <div key={`${r.a}/${r.b}`} className="je-nbdiff-row" data-status="unchanged" data-cell={r.id}>
            <pre>{r.source}</pre>
          </div>
        ))}
      </>
    );
  }
  return (
    <div className="je-nbdiff-folded" onClick={() => setOpen(true)}>
      ⋯ {props.rows.length} unchanged cell{props.rows.length === 1 ? '' : 's'} (show)
    </div>
  );
}

/** The "Notebook" view of compare: the first two tasks' notebooks, diffed cell by cell. */
export function NotebookDiffView(props: { ids: string[]; names: string[] }): JSX.Element {
  const env = useEnv();
  const [diff, setDiff] = React.useState<IDiff | null>(null);
  const [error, setError] = React.useState('');
  const [a, b] = props.ids;
  React.useEffect(() => {
    setDiff(null);
    env.client.request<IDiff>('notebooks/diff', { query: { a, b } }).then(setDiff, (e: Error) => setError(e.message));
  }, [a, b]);
  if (error) {
    return <ErrorLine error={error} />;
  }
  if (!diff) {
    return <div className="je-empty">Comparing notebooks…</div>;
  }
  const names: [string, string] = [props.names[0] ?? a, props.names[1] ?? b];
  const parts: JSX.Element[] = [];
  let folded: IDiffRow[] = [];
  const flush = () => {
    if (folded.length) {
      parts.push(<Folded key={`f${parts.length}`} rows={folded} />);
      folded = [];
    }
  };
  for (const row of diff.rows) {
    if (row.status === 'unchanged' && !row.parameters) {
      folded.push(row);
      continue;
    }
    flush();
    parts.push(<Row key={`${row.a}/${row.b}`} row={row} names={names} />);
  }
  flush();
  const c = diff.counts;
  return (
    <div className="je-nbdiff" data-diff={`${a},${b}`}>
      <div className="je-nbdiff-summary">
        <b>{names[0]}</b> → <b>{names[1]}</b>: {c.modified ?? 0} modified, {c.added ?? 0} added, {c.removed ?? 0}{' '}
        removed, {c.unchanged ?? 0} unchanged
        {diff.metadata_changed.length ? ` · notebook metadata: ${diff.metadata_changed.join(', ')}` : ''}
        {props.ids.length > 2 ? ' (the first two tasks)' : ''}
      </div>
      {parts}
    </div>
  );
}
