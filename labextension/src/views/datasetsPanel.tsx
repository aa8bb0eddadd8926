import * as React from 'react';

import type { IDataset, IDatasetDiff, IDatasetFile } from '../api/shapes';
import { formatBytes, formatTime } from '../model/format';
import { ErrorLine } from './common';
import { useEnv } from './env';
import { VirtualList } from './virtual';

interface INode {
  ds: IDataset;
  x: number;
  y: number;
}

/** Lay out versions as a graph: a column per generation (parents to the left). */
export function layoutVersions(versions: IDataset[]): { nodes: INode[]; edges: [INode, INode][] } {
  const byId = new Map(versions.map(v => [v.id, v]));
  const depth = new Map<string, number>();
  const depthOf = (v: IDataset, seen: Set<string> = new Set()): number => {
    const known = depth.get(v.id);
    if (known !== undefined) {
      return known;
    }
    seen.add(v.id);
    const parents = (v.parents ?? []).map(p => byId.get(p)).filter((p): p is IDataset => !!p && !seen.has(p.id));
    const d = parents.length ? 1 + Math.max(...parents.map(p => depthOf(p, seen))) : 0;
    depth.set(v.id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const nodes: INode[] = versions.map(v => {
    const d = depthOf(v);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    return { ds: v, x: 20 + d * 150, y: 20 + row * 44 };
  });
  const nodeOf = new Map(nodes.map(n => [n.ds.id, n]));
  const edges: [INode, INode][] = [];
  for (const n of nodes) {
    for (const p of n.ds.parents ?? []) {
      const parent = nodeOf.get(p);
      if (parent) {
        edges.push([parent, n]);
      }
    }
  }
  return { nodes, edges };
}

function fileName(f: IDatasetFile | string): string {
  return typeof f === 'string' ? f : f.path;
}

/** The Datasets panel: datasets, their versions as a graph, files of a version, diff of two. */
export function DatasetsPanel(props: { refreshSignal: number }): JSX.Element {
  const env = useEnv();
  const [all, setAll] = React.useState<IDataset[]>([]);
  const [error, setError] = React.useState('');
  const [name, setName] = React.useState<string | null>(null);
  const [picked, setPicked] = React.useState<string[]>([]);
  const [files, setFiles] = React.useState<IDatasetFile[]>([]);
  const [diff, setDiff] = React.useState<IDatasetDiff | null>(null);

  React.useEffect(() => {
    env.client
      .datasets({ limit: 100000 })
      .then(a => (setAll(a.items ?? []), setError('')))
      .catch((e: Error) => setError(e.message));
  }, [props.refreshSignal]);

  React.useEffect(() => {
    setDiff(null);
    setFiles([]);
    if (picked.length === 1) {
      env.client.datasetFiles(picked[0]).then(setFiles, (e: Error) => setError(e.message));
    } else if (picked.length === 2) {
      // From the older version to the newer, whichever was clicked first.
      const [a, b] = byAge(picked);
      env.client.datasetDiff(a, b).then(setDiff, (e: Error) => setError(e.message));
    }
  }, [picked.join(',')]);

  const byAge = (ids: string[]) =>
    [...ids].sort((x, y) =>
      String(all.find(d => d.id === x)?.created ?? '').localeCompare(String(all.find(d => d.id === y)?.created ?? ''))
    );
  const label = (id: string) => {
    const d = all.find(v => v.id === id);
    return d?.version ?? id.slice(0, 8);
  };
  const key = (d: IDataset) => `${d.project_name}/${d.name}`;
  const names = [...new Set(all.map(key))].sort();
  const versions = all.filter(d => key(d) === name);
  const graph = layoutVersions(versions);
  const width = Math.max(300, ...graph.nodes.map(n => n.x + 140));
  const height = Math.max(60, ...graph.nodes.map(n => n.y + 40));
  const pick = (id: string, add: boolean) => setPicked(add ? [...picked.filter(p => p !== id), id].slice(-2) : [id]);

  return (
    <div className="je-datasets">
      <div className="je-toolbar">
        <span className="je-section-title">Datasets</span>
      </div>
      <ErrorLine error={error} />
      <div className="je-dataset-names">
        {names.map(n => (
          <div
            key={n}
            className={`je-project ${name === n ? 'je-selected' : ''}`}
            data-dataset={n}
            onClick={() => (setName(n), setPicked([]))}
          >
            {n}
          </div>
        ))}
        {names.length === 0 ? <div className="je-empty">No datasets.</div> : null}
      </div>
      {name ? (
        <>
          <div className="je-note">Click a version for its files; Ctrl-click a second one to diff.</div>
          <svg className="je-graph" width={width} height={height}>
            {graph.edges.map(([a, b], i) => (
              <line key={i} x1={a.x + 120} y1={a.y + 15} x2={b.x} y2={b.y + 15} className="je-edge" />
            ))}
            {graph.nodes.map(n => (
              <g
                key={n.ds.id}
                transform={`translate(${n.x},${n.y})`}
                className={`je-node ${picked.includes(n.ds.id) ? 'je-selected' : ''}`}
                onClick={e => pick(n.ds.id, e.ctrlKey || e.metaKey)}
                data-version={n.ds.version ?? n.ds.id}
              >
                <rect width={120} height={30} rx={4} />
                <text x={8} y={19}>
                  {n.ds.version ?? n.ds.id.slice(0, 8)}{' '}
                  {n.ds.status === 'final' || n.ds.status === 'completed' ? '' : `(${n.ds.status ?? ''})`}
                </text>
                <title>
                  {n.ds.id} · {formatTime(n.ds.created)} · {n.ds.file_count ?? '?'} files ·{' '}
                  {formatBytes(n.ds.total_size)}
                </title>
              </g>
            ))}
          </svg>
        </>
      ) : null}
      {picked.length === 1 ? (
        <>
          <div className="je-dim">{files.length.toLocaleString()} files</div>
          <VirtualList
            className="je-list je-files"
            count={files.length}
            rowHeight={22}
            renderRow={(i, style) => (
              <div key={i} style={style} className="je-row">
                <div className="je-cell" style={{ width: 240 }}>
                  {files[i].path}
                </div>
                <div className="je-cell" style={{ width: 80 }}>
                  {formatBytes(files[i].size)}
                </div>
              </div>
            )}
          />
        </>
      ) : null}
      {diff ? (
        <div className="je-dataset-diff">
          <div className="je-dim">
            from {label(byAge(picked)[0])} to {label(byAge(picked)[1])}
          </div>
          {(['added', 'removed', 'modified'] as const).map(kind => (
            <div key={kind} className={`je-diff-${kind}`}>
              <b>
                {kind} ({(diff[kind] ?? []).length})
              </b>
              <ul>
                {(diff[kind] ?? []).slice(0, 500).map(f => (
                  <li key={fileName(f)}>{fileName(f)}</li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
