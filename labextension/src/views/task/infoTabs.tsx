import * as React from 'react';

import type { IParam } from '../../api/shapes';
import { formatValue } from '../../model/compare';
import { formatDuration, formatNumber, formatTime, taskDuration } from '../../model/format';
import { taskJob, taskJobLine } from '../../model/launchers';
import { TaskModel } from '../../model/task';
import { ErrorLine, StatusBadge, useAction, useSignal } from '../common';
import { TagEditor } from '../tagEditor';
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
            <TagEditor tags={t.tags ?? []} onChange={tags => void run(() => model.update({ tags }))} />
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
  const [added, setAdded] = React.useState<IParam[]>([]);
  const [deleted, setDeleted] = React.useState<Set<string>>(new Set());
  const [error, run, busy] = useAction();
  const editable = model.editable;
  const sections = new Map<string, IParam[]>();
  for (const p of [...model.parameters, ...added]) {
    sections.set(p.section, [...(sections.get(p.section) ?? []), p]);
  }
  const changed = Object.keys(edits).length > 0 || added.length > 0 || deleted.size > 0;
  const discard = () => {
    setEdits({});
    setAdded([]);
    setDeleted(new Set());
  };
  const save = () =>
    run(async () => {
      const params = [...model.parameters, ...added]
        .filter(p => !deleted.has(`${p.section}/${p.name}`))
        .map(p => {
          const key = `${p.section}/${p.name}`;
          return key in edits ? { ...p, value: parseEdited(edits[key], p.type) } : p;
        });
      // A deletion needs the whole list to replace the stored one; edits and additions merge.
      await model.saveParameters(params, deleted.size > 0);
      discard();
    });
  const toggleDelete = (key: string) => {
    const next = new Set(deleted);
    if (next.has(key)) {
      next.delete(key);
    } else {
      next.add(key);
    }
    setDeleted(next);
  };
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
                const gone = deleted.has(key);
                return (
                  <tr key={key} data-param={key} className={gone ? 'je-deleted' : ''}>
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
                    {editable ? (
                      <td>
                        <button
                          className="je-chip-x"
                          aria-label={gone ? `Keep ${key}` : `Delete ${key}`}
                          title={gone ? 'Keep' : 'Delete'}
                          onClick={() => toggleDelete(key)}
                        >
                          {gone ? '↺' : '✕'}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
      {editable ? (
        <AddParameter
          sections={[...new Set(['General', ...sections.keys()])]}
          taken={key =>
            [...model.parameters, ...added].some(p => `${p.section}/${p.name}` === key && !deleted.has(key))
          }
          onAdd={p => setAdded([...added, p])}
        />
      ) : null}
      {editable && changed ? (
        <div className="je-toolbar">
          <button className="je-btn je-primary" data-action="save-params" disabled={busy} onClick={() => void save()}>
            Save parameters
          </button>
          <button className="je-btn" onClick={discard}>
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

/** A new hyperparameter: section, name, value (typed like a JSON literal: 3, 0.1, true, "text"). */
function AddParameter(props: {
  sections: string[];
  taken: (key: string) => boolean;
  onAdd: (p: IParam) => void;
}): JSX.Element {
  const [section, setSection] = React.useState('General');
  const [name, setName] = React.useState('');
  const [value, setValue] = React.useState('');
  const [error, setError] = React.useState('');
  const add = () => {
    const s = section.trim();
    const n = name.trim();
    if (!s || !n) {
      setError('a parameter needs a section and a name');
      return;
    }
    if (n.includes('/') || s.includes('/')) {
      setError('"/" separates the section from the name: leave it out of both');
      return;
    }
    if (props.taken(`${s}/${n}`)) {
      setError(`${s}/${n} exists: edit its value above`);
      return;
    }
    const parsed = parseEdited(value, undefined);
    const type =
      typeof parsed === 'number'
        ? Number.isInteger(parsed)
          ? 'int'
          : 'float'
        : typeof parsed === 'boolean'
          ? 'bool'
          : 'str';
    props.onAdd({ section: s, name: n, value: parsed, type, description: '' } as IParam);
    setName('');
    setValue('');
    setError('');
  };
  return (
    <div className="je-add-param">
      <div className="je-toolbar">
        <b>Add a parameter</b>
        <input
          className="je-param-input"
          list="je-param-sections"
          aria-label="New parameter section"
          placeholder="section"
          value={section}
          onChange={e => setSection(e.target.value)}
        />
        <datalist id="je-param-sections">
          {props.sections.map(s => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <input
          className="je-param-input"
          aria-label="New parameter name"
          placeholder="name"
          value={name}
          onChange={e => setName(e.target.value)}
        />
        <input
          className="je-param-input"
          aria-label="New parameter value"
          placeholder="value"
          value={value}
          onChange={e => setValue(e.target.value)}
          onKeyDown={e => e.key === 'Enter' && add()}
        />
        <button className="je-btn" data-action="add-param" onClick={add}>
          Add
        </button>
      </div>
      <ErrorLine error={error} />
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
