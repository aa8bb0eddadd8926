import * as React from 'react';
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { STATUS_LABELS } from '../api/shapes';
import { formatDuration, formatTime, taskDuration } from '../model/format';
import {
  GAP_X,
  IPlacedNode,
  isRunning,
  NODE_H,
  NODE_W,
  nodeDuration,
  nodeStatus,
  PipelineModel
} from '../model/pipelines';
import { ErrorLine, StatusBadge, useAction, useSignal } from './common';
import { useEnv } from './env';

/** Cut a label to what fits a node (SVG text does not wrap or ellipsize by itself). */
function fit(text: string, chars: number): string {
  return text.length > chars ? text.slice(0, chars - 1) + '…' : text;
}

function Node(props: { placed: IPlacedNode; onOpen: (id: string) => void }): JSX.Element {
  const { node, x, y } = props.placed;
  const status = nodeStatus(node);
  const duration = formatDuration(nodeDuration(node));
  const label = STATUS_LABELS[status] ?? status;
  const clickable = !!node.task_id;
  return (
    <g
      transform={`translate(${x},${y})`}
      className={`je-dag-node je-dag-${status} ${clickable ? 'je-clickable' : ''}`}
      data-step={node.name}
      data-status={status}
      onClick={() => node.task_id && props.onOpen(node.task_id)}
    >
      <rect width={NODE_W} height={NODE_H} rx={6} />
      <rect className="je-dag-stripe" width={5} height={NODE_H} rx={2} />
      <text x={12} y={19} className="je-dag-name">
        {fit(node.name, 22)}
      </text>
      <text x={12} y={36} className="je-dag-sub">
        {label}
        {duration ? ` · ${duration}` : ''}
      </text>
      <title>
        {node.name} — {label}
        {node.queue ? ` — queue ${node.queue}` : ''}
        {node.task_id ? ` — task ${node.task_id}` : ' — not started'}
        {typeof node.status_reason === 'string' && node.status_reason ? ` — ${node.status_reason}` : ''}
      </title>
    </g>
  );
}

/** The main-area view of one pipeline run: the DAG in levels, live, then the steps as a table. */
export function PipelineView(props: { model: PipelineModel }): JSX.Element {
  const { model } = props;
  const env = useEnv();
  useSignal(model.changed);
  const [error, run, busy] = useAction();
  React.useEffect(() => void model.load(), [model]);
  const p = model.pipeline;
  const layout = model.layout;
  const running = p ? isRunning(p.task.status) : false;

  const abort = () =>
    run(async () => {
      const answer = await showDialog({
        title: 'Abort pipeline',
        body: `Abort "${p?.task.name}" and its steps still queued or running?`,
        buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Abort' })]
      });
      if (answer.button.accept) {
        await model.abort();
      }
    });

  const counts = new Map<string, number>();
  for (const n of p?.nodes ?? []) {
    const s = nodeStatus(n);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }

  return (
    <div className="je-pipeline-view" data-task-id={model.id}>
      <div className="je-task-header">
        <div className="je-task-title">
          {p ? <StatusBadge status={p.task.status} /> : null}{' '}
          <span className="je-task-name">{p?.task.name ?? model.id}</span>
          <span className="je-dim"> {p?.task.project_name ?? ''}</span>
        </div>
        <div className="je-toolbar">
          <span className="je-dim">
            {p ? `started ${formatTime(p.task.started)} · ${formatDuration(taskDuration(p.task))}` : ''}
          </span>
          <button className="je-btn" data-action="open-controller" disabled={!p} onClick={() => env.openTask(model.id)}>
            Controller task
          </button>
          <button
            className="je-btn"
            data-action="abort-pipeline"
            disabled={!running || busy}
            onClick={() => void abort()}
          >
            Abort
          </button>
        </div>
      </div>
      <ErrorLine error={error || model.error} />
      <div className="je-dag-legend">
        {[...counts.entries()].map(([s, n]) => (
          <span key={s} className={`je-dag-key je-dag-${s}`}>
            <i /> {STATUS_LABELS[s] ?? s} {n}
          </span>
        ))}
        {running ? <span className="je-dim">live</span> : null}
      </div>
      <div className="je-dag-scroll">
        <svg className="je-dag" width={layout.width} height={layout.height} role="img" aria-label="Pipeline steps">
          <defs>
            <marker
              id={`je-arrow-${model.id}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="je-dag-arrow" />
            </marker>
          </defs>
          {layout.edges.map(({ from, to }) => {
            const x1 = from.x + NODE_W;
            const y1 = from.y + NODE_H / 2;
            const x2 = to.x;
            const y2 = to.y + NODE_H / 2;
            const bend = GAP_X / 2;
            return (
              <path
                key={`${from.node.name}->${to.node.name}`}
                className={`je-dag-edge ${isRunning(nodeStatus(to.node)) ? 'je-dag-edge-live' : ''}`}
                data-edge={`${from.node.name}->${to.node.name}`}
                d={`M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`}
                markerEnd={`url(#je-arrow-${model.id})`}
              />
            );
          })}
          {layout.nodes.map(placed => (
            <Node key={placed.node.name} placed={placed} onOpen={env.openTask} />
          ))}
        </svg>
        {p && p.nodes.length === 0 ? <div className="je-empty">This run has no steps.</div> : null}
      </div>
      <h4 className="je-dag-steps-title">Steps</h4>
      <table className="je-grid je-dag-steps">
        <thead>
          <tr>
            <th>Step</th>
            <th>Status</th>
            <th>Parents</th>
            <th>Queue</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {layout.nodes.map(({ node }) => (
            <tr key={node.name} data-step-row={node.name}>
              <td>
                {node.task_id ? (
                  <a href="#" onClick={e => (e.preventDefault(), env.openTask(node.task_id as string))}>
                    {node.name}
                  </a>
                ) : (
                  node.name
                )}
              </td>
              <td>
                <StatusBadge status={nodeStatus(node)} />
              </td>
              <td>{(node.parents ?? []).join(', ')}</td>
              <td>{node.queue ?? ''}</td>
              <td>{formatDuration(nodeDuration(node))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
