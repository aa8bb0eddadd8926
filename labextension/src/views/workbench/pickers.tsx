import * as React from 'react';

import { ExperimentsModel } from '../../model/experiments';
import { BASE_COLUMNS, columnLabel } from '../../model/tableState';

/** A button that opens a panel under it; a click outside or Escape closes it. */
export function Popover(props: {
  label: React.ReactNode;
  title: string;
  name: string;
  active?: boolean;
  children: (close: () => void) => React.ReactNode;
}): JSX.Element {
  const [open, setOpen] = React.useState(false);
  const ref = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    if (!open) {
      return;
    }
    const outside = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const key = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', outside);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('mousedown', outside);
      window.removeEventListener('keydown', key);
    };
  }, [open]);
  return (
    <div className="je-popover-anchor" ref={ref}>
      <button
        className={`je-btn ${props.active ? 'je-active-filter' : ''}`}
        data-popover={props.name}
        title={props.title}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {props.label} ▾
      </button>
      {open ? (
        <div className="je-popover" data-popover-panel={props.name}>
          {props.children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}

/** Several values from a list, as checkboxes (status, type, user). */
export function MultiCheck(props: {
  name: string;
  label: string;
  options: string[];
  labels?: Record<string, string>;
  value: string[];
  onChange: (value: string[]) => void;
}): JSX.Element {
  const chosen = new Set(props.value);
  const text = props.value.length
    ? `${props.label}: ${props.value.map(v => props.labels?.[v] ?? v).join(', ')}`
    : props.label;
  return (
    <Popover
      name={props.name}
      label={text}
      title={`Filter by ${props.label.toLowerCase()}`}
      active={props.value.length > 0}
    >
      {() => (
        <div className="je-checklist">
          {props.options.map(o => (
            <label key={o} className="je-check">
              <input
                type="checkbox"
                data-option={o}
                checked={chosen.has(o)}
                onChange={e =>
                  props.onChange(e.target.checked ? [...props.value, o] : props.value.filter(v => v !== o))
                }
              />
              {props.labels?.[o] ?? o}
            </label>
          ))}
          {props.value.length ? (
            <button className="je-btn je-link" onClick={() => props.onChange([])}>
              Clear
            </button>
          ) : null}
        </div>
      )}
    </Popover>
  );
}

/**
 * Which columns the table shows: task fields, then the metrics (last / min / max) and
 * hyperparameters the shown tasks actually report (asked of the server for these filters).
 */
export function ColumnPicker(props: { model: ExperimentsModel }): JSX.Element {
  const { model } = props;
  const [found, setFound] = React.useState<{ metrics: string[][]; params: string[][] } | null>(null);
  const [error, setError] = React.useState('');
  const [text, setText] = React.useState('');
  const load = () => {
    setError('');
    model.client
      .taskColumns(model.query(0, 1))
      .then(r => setFound({ metrics: r.metrics, params: r.params }))
      .catch((e: Error) => setError(e.message));
  };
  const shown = new Set(model.layout);
  const toggle = (key: string, on: boolean) =>
    void model.setLayout(on ? [...model.layout, key] : model.layout.filter(k => k !== key));
  const match = (s: string) => !text || s.toLowerCase().includes(text.toLowerCase());
  return (
    <Popover name="columns" label="Columns" title="Choose the columns: task fields, metrics and hyperparameters">
      {() => {
        return (
          <div className="je-column-picker">
            <OnOpen run={load} />
            <input
              className="je-search"
              placeholder="Find a column"
              aria-label="Find a column"
              value={text}
              onChange={e => setText(e.target.value)}
            />
            <div className="je-picker-section">Task</div>
            {BASE_COLUMNS.filter(k => match(columnLabel(k))).map(k => (
              <label key={k} className="je-check">
                <input
                  type="checkbox"
                  data-column-option={k}
                  checked={shown.has(k)}
                  onChange={e => toggle(k, e.target.checked)}
                />
                {columnLabel(k)}
              </label>
            ))}
            <div className="je-picker-section">Metrics (last · min · max)</div>
            {error ? <div className="je-error">{error}</div> : null}
            {found === null && !error ? <div className="je-muted">loading…</div> : null}
            {found?.metrics.length === 0 ? <div className="je-muted">No metrics reported by these tasks</div> : null}
            {found?.metrics
              .filter(([t, s]) => match(`${t}/${s}`))
              .map(([t, s]) => (
                <div key={`${t}/${s}`} className="je-picker-metric">
                  <span title={`${t}/${s}`}>
                    {t}/{s}
                  </span>
                  {(['metric', 'metric_min', 'metric_max'] as const).map(kind => {
                    const key = `${kind}:${t}/${s}`;
                    return (
                      <label key={kind} className="je-check" title={columnLabel(key)}>
                        <input
                          type="checkbox"
                          data-column-option={key}
                          checked={shown.has(key)}
                          onChange={e => toggle(key, e.target.checked)}
                        />
                        {kind === 'metric' ? 'last' : kind.slice(7)}
                      </label>
                    );
                  })}
                </div>
              ))}
            <div className="je-picker-section">Hyperparameters</div>
            {found?.params.length === 0 ? <div className="je-muted">No hyperparameters on these tasks</div> : null}
            {found?.params
              .filter(([sec, n]) => match(`${sec}/${n}`))
              .map(([sec, n]) => {
                const key = `param:${sec}/${n}`;
                return (
                  <label key={key} className="je-check">
                    <input
                      type="checkbox"
                      data-column-option={key}
                      checked={shown.has(key)}
                      onChange={e => toggle(key, e.target.checked)}
                    />
                    {sec}/{n}
                  </label>
                );
              })}
          </div>
        );
      }}
    </Popover>
  );
}

/** Runs `run` once when mounted (a popover's panel opening). */
function OnOpen(props: { run: () => void }): null {
  React.useEffect(() => props.run(), []);
  return null;
}

/** Value ranges: a date range on created, and ranges on metric and parameter columns. */
export function RangeFilter(props: { model: ExperimentsModel }): JSX.Element {
  const { model } = props;
  const ranges = model.filters.ranges ?? [];
  const [column, setColumn] = React.useState('created');
  const [low, setLow] = React.useState('');
  const [high, setHigh] = React.useState('');
  const isDate = ['created', 'started', 'last_update', 'completed'].includes(column);
  const bound = (v: string) => (v === '' ? '' : isDate ? String(Math.floor(new Date(v).getTime() / 1000)) : v);
  const choices = ['created', 'last_update', 'started', 'last_iteration', ...model.columns];
  return (
    <Popover
      name="ranges"
      label={ranges.length ? `Ranges (${ranges.length})` : 'Ranges'}
      title="Filter by a date range or a metric or parameter range"
      active={ranges.length > 0}
    >
      {close => (
        <div className="je-range-form">
          {ranges.map(r => (
            <div key={r} className="je-chip" data-range={r}>
              {describeRange(r)}
              <button
                className="je-btn je-link"
                aria-label={`Remove ${r}`}
                onClick={() => void model.setFilters({ ranges: ranges.filter(x => x !== r) })}
              >
                ×
              </button>
            </div>
          ))}
          <select
            className="je-select"
            aria-label="Range column"
            value={column}
            onChange={e => setColumn(e.target.value)}
          >
            {choices.map(c => (
              <option key={c} value={c}>
                {columnLabel(c)}
              </option>
            ))}
          </select>
          <input
            className="je-input"
            aria-label="From"
            type={isDate ? 'date' : 'number'}
            value={low}
            onChange={e => setLow(e.target.value)}
          />
          <input
            className="je-input"
            aria-label="To"
            type={isDate ? 'date' : 'number'}
            value={high}
            onChange={e => setHigh(e.target.value)}
          />
          <button
            className="je-btn je-primary"
            disabled={!low && !high}
            onClick={() => {
              const hi = isDate && high ? String(Math.floor(new Date(high).getTime() / 1000) + 86399) : bound(high);
              void model.setFilters({ ranges: [...ranges, `${column}=${bound(low)}..${hi}`] });
              setLow('');
              setHigh('');
              close();
            }}
          >
            Add
          </button>
        </div>
      )}
    </Popover>
  );
}

export function describeRange(spec: string): string {
  const at = spec.lastIndexOf('=');
  const column = spec.slice(0, at);
  const [low, high] = spec.slice(at + 1).split('..');
  const isDate = ['created', 'started', 'last_update', 'completed'].includes(column);
  const show = (v: string) => (v && isDate ? new Date(Number(v) * 1000).toISOString().slice(0, 10) : v);
  return `${columnLabel(column)} ${low ? `≥ ${show(low)}` : ''}${low && high ? ' and ' : ''}${high ? `≤ ${show(high)}` : ''}`;
}
