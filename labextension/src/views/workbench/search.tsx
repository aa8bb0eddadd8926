import * as React from 'react';

import type { ISearchResults } from '../../api/client';
import { TrackClient } from '../../api/client';
import { STATUS_LABELS } from '../../api/shapes';

export interface IFound {
  kind: 'project' | 'task' | 'model' | 'dataset';
  id: string;
  label: string;
  detail: string;
}

/** The results in the order the list shows them (and the arrow keys walk). */
export function flatten(r: ISearchResults): IFound[] {
  return [
    ...r.projects.map(p => ({ kind: 'project' as const, id: p.name, label: p.name, detail: 'project' })),
    ...r.tasks.map(t => ({
      kind: 'task' as const,
      id: t.id,
      label: t.name,
      detail: `${STATUS_LABELS[t.status] ?? t.status} · ${t.project}`
    })),
    ...r.models.map(m => ({ kind: 'model' as const, id: m.id, label: m.name, detail: `model · ${m.project}` })),
    ...r.datasets.map(d => ({
      kind: 'dataset' as const,
      id: d.id,
      label: `${d.name} v${d.version}`,
      detail: `dataset · ${d.project}`
    }))
  ];
}

/** One box over projects, tasks, models and datasets: type, arrows, Enter; Escape closes. */
export function SearchBox(props: {
  client: TrackClient;
  onPick: (found: IFound) => void;
  onClose: () => void;
}): JSX.Element {
  const [text, setText] = React.useState('');
  const [found, setFound] = React.useState<IFound[]>([]);
  const [active, setActive] = React.useState(0);
  const [error, setError] = React.useState('');
  const input = React.useRef<HTMLInputElement>(null);
  React.useEffect(() => input.current?.focus(), []);
  React.useEffect(() => {
    if (!text.trim()) {
      setFound([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      props.client
        .search(text.trim())
        .then(r => {
          if (live) {
            setFound(flatten(r));
            setActive(0);
            setError('');
          }
        })
        .catch((e: Error) => live && setError(e.message));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);
  const pick = (f: IFound | undefined) => {
    if (f) {
      props.onClose();
      props.onPick(f);
    }
  };
  return (
    <div className="je-search-backdrop" onMouseDown={e => e.target === e.currentTarget && props.onClose()}>
      <div className="je-search-box" role="dialog" aria-label="Search experiments">
        <input
          ref={input}
          className="je-search je-search-input"
          placeholder="Search projects, tasks, models, datasets by name, id or tag"
          aria-label="Search everything"
          value={text}
          onChange={e => setText(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive(a => Math.min(found.length - 1, a + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive(a => Math.max(0, a - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              pick(found[active]);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              props.onClose();
            }
          }}
        />
        {error ? <div className="je-error">{error}</div> : null}
        <ul className="je-search-results" role="listbox">
          {found.map((f, i) => (
            <li
              key={`${f.kind}-${f.id}`}
              role="option"
              aria-selected={i === active}
              className={`je-search-result ${i === active ? 'je-active' : ''}`}
              data-result-kind={f.kind}
              data-result-id={f.id}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(f)}
            >
              <span className={`je-kind je-kind-${f.kind}`}>{f.kind}</span>
              <span className="je-result-label">{f.label}</span>
              <span className="je-muted">{f.detail}</span>
            </li>
          ))}
          {text.trim() && !found.length && !error ? <li className="je-muted">Nothing found</li> : null}
        </ul>
      </div>
    </div>
  );
}
