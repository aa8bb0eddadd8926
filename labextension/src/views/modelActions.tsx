import * as React from 'react';

import { IMetadataRow, ModelDetailsModel, parseMetadataInput } from '../model/models';
import { ErrorLine, useAction } from './common';

/** Publish, archive/restore, delete: the model's lifecycle, with the server's refusal shown. */
export function ModelActions(props: { model: ModelDetailsModel }): JSX.Element | null {
  const { model } = props;
  const m = model.model;
  const [error, run, busy] = useAction();
  const [confirm, setConfirm] = React.useState(false);
  if (!m || model.gone) {
    return null;
  }
  return (
    <span className="je-model-actions">
      <button
        className="je-btn"
        data-action="publish-model"
        disabled={busy || m.published || !m.version}
        title={
          m.published ? 'Published: final' : m.version ? 'Make it final' : 'A model without weights cannot be published'
        }
        onClick={() => void run(() => model.publish())}
      >
        Publish
      </button>
      <button
        className="je-btn"
        data-action={m.archived ? 'restore-model' : 'archive-model'}
        disabled={busy}
        onClick={() => void run(() => model.archive(!m.archived))}
      >
        {m.archived ? 'Restore' : 'Archive'}
      </button>
      {confirm ? (
        <>
          <span className="je-warn">Delete “{m.name}”?</span>
          <button
            className="je-btn je-danger"
            data-action="confirm-delete-model"
            disabled={busy}
            onClick={() => void run(() => model.remove()).then(() => setConfirm(false))}
          >
            Delete
          </button>
          <button className="je-btn" onClick={() => setConfirm(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button className="je-btn" data-action="delete-model" disabled={busy} onClick={() => setConfirm(true)}>
          Delete…
        </button>
      )}
      <ErrorLine error={error} />
    </span>
  );
}

/** A text edited in place: shown as text, a click makes it a field, Enter or leaving saves. */
export function InlineEdit(props: {
  value: string;
  label: string;
  onSave: (value: string) => Promise<void>;
  multiline?: boolean;
  placeholder?: string;
  className?: string;
}): JSX.Element {
  const [editing, setEditing] = React.useState(false);
  const [text, setText] = React.useState(props.value);
  const [error, run, busy] = useAction();
  React.useEffect(() => setText(props.value), [props.value]);
  const save = () => {
    setEditing(false);
    if (text !== props.value) {
      void run(() => props.onSave(text));
    }
  };
  if (!editing) {
    return (
      <span className="je-inline-edit">
        <span className={`${props.className ?? ''} ${props.value ? '' : 'je-dim'}`}>
          {props.value || props.placeholder}
        </span>{' '}
        <button
          className="je-link-button je-edit-pencil"
          aria-label={`Edit ${props.label}`}
          disabled={busy}
          onClick={() => setEditing(true)}
        >
          ✎
        </button>
        <ErrorLine error={error} />
      </span>
    );
  }
  return props.multiline ? (
    <textarea
      className="je-comment"
      aria-label={props.label}
      autoFocus
      value={text}
      onChange={e => setText(e.target.value)}
      onBlur={save}
    />
  ) : (
    <input
      className="je-param-input"
      aria-label={props.label}
      autoFocus
      value={text}
      onChange={e => setText(e.target.value)}
      onBlur={save}
      onKeyDown={e => {
        if (e.key === 'Enter') {
          save();
        } else if (e.key === 'Escape') {
          setText(props.value);
          setEditing(false);
        }
      }}
    />
  );
}

/** Metadata: a row per key (✕ deletes), a field to add or overwrite one; final once published. */
export function MetadataEditor(props: { model: ModelDetailsModel; rows: IMetadataRow[] }): JSX.Element {
  const { model, rows } = props;
  const final = !!model.model?.published;
  const [key, setKey] = React.useState('');
  const [value, setValue] = React.useState('');
  const [error, run, busy] = useAction();
  const add = () => {
    if (!key.trim()) {
      return;
    }
    void run(() => model.setMetadata(key.trim(), parseMetadataInput(value))).then(() => {
      setKey('');
      setValue('');
    });
  };
  return (
    <div className="je-metadata-editor">
      {rows.length ? (
        <table className="je-grid je-model-metadata">
          <thead>
            <tr>
              <th>Key</th>
              <th>Type</th>
              <th>Value</th>
              {final ? null : <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map(r => (
              <tr key={r.key} data-key={r.key}>
                <td>{r.key}</td>
                <td className="je-dim">{r.type}</td>
                <td className="je-model-value">{r.value}</td>
                {final ? null : (
                  <td>
                    <button
                      className="je-chip-x"
                      aria-label={`Delete metadata ${r.key}`}
                      disabled={busy}
                      onClick={() => void run(() => model.setMetadata(r.key, null))}
                    >
                      ✕
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="je-dim">No metadata.</div>
      )}
      {final ? (
        <div className="je-dim">Published: its metadata is final.</div>
      ) : (
        <div className="je-toolbar">
          <input
            className="je-param-input"
            aria-label="Metadata key"
            placeholder="key"
            value={key}
            onChange={e => setKey(e.target.value)}
          />
          <input
            className="je-param-input"
            aria-label="Metadata value"
            placeholder="value (0.9, 12, true or text)"
            value={value}
            onChange={e => setValue(e.target.value)}
            onKeyDown={e => e.key === 'Enter' && add()}
          />
          <button className="je-btn" data-action="set-metadata" disabled={busy || !key.trim()} onClick={add}>
            Set
          </button>
        </div>
      )}
      <ErrorLine error={error} />
    </div>
  );
}
