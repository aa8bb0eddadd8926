import * as React from 'react';

import type { IParam } from '../../api/shapes';
import { formatValue } from '../../model/compare';
import { formatDuration, formatNumber, formatTime, taskDuration } from '../../model/format';
import { taskJob, taskJobLine } from '../../model/launchers';
import { TaskModel } from '../../model/task';
import { ErrorLine, StatusBadge, Tags, useAction, useSignal } from '../common';
import { useEnv } from '../env';

function Field(props: { label: string; children: React.ReactNode }): JSX.Element {
  return (
    <tr data-field={props.label}>
      <th>{props.label}</th>
      <td>{props.children}</td>
    </tr>
  );
}

/** Info: the task's identity, status, times, comment (editable), tags, single values. */
export function InfoTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, p => p === 'task' || p === 'singleValues');
  React.useEffect(() => void model.load('singleValues'), [model]);
  const t = model.task;
  const [error, run] = useAction();
  const env = useEnv();
  if (!t) {
    return <ErrorLine error={model.errors.task} />;
  }
  const job = taskJob(t.runtime);
  return (
    <div className="je-tab-info">
      <table className="je-kv">
        <tbody>
          <Field label="ID">
            <code>{t.id}</code>
          </Field>
          <Field label="Name">{t.name}</Field>
          <Field label="Project">{t.project_name ?? t.project}</Field>
          <Field label="Status">
            <StatusBadge status={t.status} /> {t.status_message ?? ''}
          </Field>
          <Field label="Type">{t.type}</Field>
          <Field label="Queue">{t.queue ?? ''}</Field>
          <Field label="Worker">{t.worker ?? ''}</Field>
          {job ? (
            <Field label="Job">
              <span
                className="je-task-job"
                data-job-id={job.jobId}
                title={job.launcher ? `launched by ${job.launcher}` : ''}
              >
                {taskJobLine(job, t.status === 'in_progress')}
              </span>
            </Field>
          ) : null}
          <Field label="User">{t.user}</Field>
          <Field label="Created">{formatTime(t.created)}</Field>
          <Field label="Started">{formatTime(t.started)}</Field>
          <Field label="Completed">{formatTime(t.completed)}</Field>
          <Field label="Duration">{formatDuration(taskDuration(t))}</Field>
          <Field label="Last iteration">{t.last_iteration ?? ''}</Field>
          <Field label="Parent">
            {t.parent_id ? (
              <a href="#" onClick={e => (e.preventDefault(), env.openTask(t.parent_id as string))}>
                {t.parent_id}
              </a>
            ) : (
              ''
            )}
          </Field>
          <Field label="Tags">
            <Tags tags={t.tags} />
          </Field>
        </tbody>
      </table>
      <h4>Comment</h4>
      <textarea
        className="je-comment"
        aria-label="Comment"
        defaultValue={t.comment ?? ''}
        onBlur={e => {
          const comment = e.target.value;
          if (comment !== (t.comment ?? '')) {
            void run(() => model.update({ comment }));
          }
        }}
      />
      <ErrorLine error={error} />
      {model.singleValues.length ? (
        <>
          <h4>Single values</h4>
          <table className="je-grid">
            <tbody>
              {model.singleValues.map(v => (
                <tr key={v.name}>
                  <th>{v.name}</th>
                  <td>{formatNumber(v.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}

function parseEdited(text: string, type: string | undefined): unknown {
  const t = (type ?? '').toLowerCase();
  if (t === 'str' || t === 'string') {
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Hyperparameters and configuration objects; editable on a draft (a clone), read-only otherwise. */
export function ConfigTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, p => p === 'parameters' || p === 'configurations' || p === 'task');
  React.useEffect(() => {
    void model.load('parameters');
    void model.load('configurations');
  }, [model]);
  const [edits, setEdits] = React.useState<Record<string, string>>({});
  const [error, run, busy] = useAction();
  const editable = model.editable;
  const sections = new Map<string, IParam[]>();
  for (const p of model.parameters) {
    sections.set(p.section, [...(sections.get(p.section) ?? []), p]);
  }
  const save = () =>
    run(async () => {
      const params = model.parameters.map(p => {
        const key = `${p.section}/${p.name}`;
        return key in edits ? { ...p, value: parseEdited(edits[key], p.type) } : p;
      });
      await model.saveParameters(params);
      setEdits({});
    });
  return (
    <div className="je-tab-config">
      {!editable ? (
        <div className="je-note">Read-only: only a draft can be edited. Clone this task to change its parameters.</div>
      ) : null}
      <ErrorLine error={model.errors.parameters || error} />
      {[...sections.entries()].map(([section, params]) => (
        <div key={section} className="je-param-section">
          <h4>{section}</h4>
          <table className="je-grid">
            <tbody>
              {params.map(p => {
                const key = `${p.section}/${p.name}`;
                return (
                  <tr key={key} data-param={key}>
                    <th title={p.description}>{p.name}</th>
                    <td>
                      {editable ? (
                        <input
                          className="je-param-input"
                          aria-label={key}
                          value={key in edits ? edits[key] : formatValue(p.value)}
                          onChange={e => setEdits({ ...edits, [key]: e.target.value })}
                        />
                      ) : (
                        formatValue(p.value)
                      )}
                    </td>
                    <td className="je-dim">{p.type}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
      {editable && Object.keys(edits).length ? (
        <div className="je-toolbar">
          <button className="je-btn je-primary" data-action="save-params" disabled={busy} onClick={() => void save()}>
            Save parameters
          </button>
          <button className="je-btn" onClick={() => setEdits({})}>
            Discard
          </button>
        </div>
      ) : null}
      {model.parameters.length === 0 ? <div className="je-empty">No hyperparameters.</div> : null}
      <h3>Configuration objects</h3>
      <ErrorLine error={model.errors.configurations} />
      {model.configurations.map(c => (
        <ConfigObject key={c.name} model={model} name={c.name} type={c.type} text={c.text} editable={editable} />
      ))}
      {model.configurations.length === 0 ? <div className="je-empty">No configuration objects.</div> : null}
    </div>
  );
}

function ConfigObject(props: {
  model: TaskModel;
  name: string;
  type?: string;
  text: string;
  editable: boolean;
}): JSX.Element {
  const [text, setText] = React.useState(props.text);
  const [error, run] = useAction();
  React.useEffect(() => setText(props.text), [props.text]);
  return (
    <div className="je-config-object">
      <h4>
        {props.name} <span className="je-dim">{props.type}</span>
      </h4>
      {props.editable ? (
        <>
          <textarea
            className="je-code"
            value={text}
            aria-label={`configuration ${props.name}`}
            onChange={e => setText(e.target.value)}
          />
          {text !== props.text ? (
            <button
              className="je-btn je-primary"
              onClick={() =>
                void run(() => props.model.saveConfiguration({ name: props.name, type: props.type ?? '', text }))
              }
            >
              Save {props.name}
            </button>
          ) : null}
        </>
      ) : (
        <pre className="je-code">{props.text}</pre>
      )}
      <ErrorLine error={error} />
    </div>
  );
}
