import * as React from 'react';

import type { IScript } from '../../api/shapes';
import { requirementsText } from '../../model/compare';
import { formatEnvironment, joinArgs, parseEnvironment, splitArgs } from '../../model/execution';
import { TaskModel } from '../../model/task';
import { ErrorLine, useAction, useSignal } from '../common';

/** The fields a draft's execution edits, as text. */
interface IExecutionForm {
  repository: string;
  branch: string;
  version_num: string;
  entry_point: string;
  working_dir: string;
  args: string;
  diff: string;
  requirements: string;
  environment: string;
}

function formOf(s: IScript): IExecutionForm {
  const argv = Array.isArray(s.argv) ? (s.argv as unknown[]).map(String) : [];
  return {
    repository: String(s.repository ?? ''),
    branch: String(s.branch ?? ''),
    version_num: String(s.version_num ?? ''),
    entry_point: String(s.entry_point ?? ''),
    working_dir: String(s.working_dir ?? ''),
    args: joinArgs(argv.slice(1)),
    diff: String(s.diff ?? ''),
    requirements: requirementsText(s.requirements) ?? '',
    environment: formatEnvironment(s.environment)
  };
}

/** The script as stored from the form: argv is the entry point then the arguments. */
export function scriptOf(base: IScript, f: IExecutionForm): IScript {
  const args = splitArgs(f.args);
  return {
    ...base,
    repository: f.repository.trim(),
    branch: f.branch.trim(),
    version_num: f.version_num.trim(),
    entry_point: f.entry_point.trim(),
    working_dir: f.working_dir.trim(),
    argv: [f.entry_point.trim(), ...args],
    diff: f.diff,
    requirements: f.requirements,
    environment: parseEnvironment(f.environment)
  };
}

const LINES: [keyof IExecutionForm, string, string][] = [
  ['repository', 'Repository', 'https://github.com/org/repo.git'],
  ['branch', 'Branch', 'main (with no commit: its newest commit at each run)'],
  ['version_num', 'Commit', 'a commit id, or empty to follow the branch'],
  ['entry_point', 'Script', 'train.py (in the repository)'],
  ['working_dir', 'Working dir', '. (relative to the repository)'],
  ['args', 'Arguments', '--epochs 10 --lr 0.01']
];

const BLOCKS: [keyof IExecutionForm, string, string][] = [
  ['diff', 'Uncommitted changes', 'a git diff applied after the checkout'],
  ['requirements', 'Installed packages', 'numpy==2.1.0 (one a line; installed by an agent started with --venv)'],
  ['environment', 'Environment variables', 'NAME=value, one a line, given to the run by the agent']
];

/**
 * Execution: repository, branch, commit, script, arguments, uncommitted changes, packages and
 * environment variables; editable on a draft, and what an agent runs when the task is enqueued.
 */
export function ExecutionTab(props: { model: TaskModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, p => p === 'task');
  const script = model.task?.script ?? {};
  const [form, setForm] = React.useState<IExecutionForm>(() => formOf(script));
  const [dirty, setDirty] = React.useState(false);
  const [error, run, busy] = useAction();
  React.useEffect(() => {
    if (!dirty) {
      setForm(formOf(model.task?.script ?? {}));
    }
  }, [model.task]);
  const editable = model.editable;
  const set = (key: keyof IExecutionForm, value: string) => {
    setForm({ ...form, [key]: value });
    setDirty(true);
  };
  const save = () =>
    run(async () => {
      await model.update({ script: scriptOf(script, form) });
      setDirty(false);
    });
  return (
    <div className="je-tab-execution">
      {editable ? null : (
        <div className="je-note">Read-only: only a draft can be edited. Clone this task to change what it runs.</div>
      )}
      <table className="je-kv je-exec-form">
        <tbody>
          {LINES.map(([key, label, hint]) => (
            <tr key={key} data-field={label}>
              <th>{label}</th>
              <td>
                {editable ? (
                  <input
                    className="je-param-input"
                    aria-label={label}
                    placeholder={hint}
                    value={form[key]}
                    onChange={e => set(key, e.target.value)}
                  />
                ) : (
                  <code>{form[key]}</code>
                )}
              </td>
            </tr>
          ))}
          <tr data-field="Interpreter">
            <th>Interpreter</th>
            <td>
              <code>{String(script.binary ?? '')}</code>
            </td>
          </tr>
        </tbody>
      </table>
      {BLOCKS.map(([key, label, hint]) => (
        <div key={key} className="je-exec-block" data-field={label}>
          <h4>{label}</h4>
          {editable ? (
            <textarea
              className="je-code"
              aria-label={label}
              placeholder={hint}
              value={form[key]}
              onChange={e => set(key, e.target.value)}
            />
          ) : (
            <pre className="je-code">{form[key] || (key === 'diff' ? 'none' : 'not recorded')}</pre>
          )}
        </div>
      ))}
      {editable && dirty ? (
        <div className="je-toolbar">
          <button
            className="je-btn je-primary"
            data-action="save-execution"
            disabled={busy}
            onClick={() => void save()}
          >
            Save execution
          </button>
          <button
            className="je-btn"
            onClick={() => {
              setForm(formOf(script));
              setDirty(false);
            }}
          >
            Discard
          </button>
        </div>
      ) : null}
      <ErrorLine error={error} />
      {model.task?.runtime && Object.keys(model.task.runtime).length ? (
        <>
          <h4>Runtime</h4>
          <pre className="je-code">{JSON.stringify(model.task.runtime, null, 2)}</pre>
        </>
      ) : null}
    </div>
  );
}
