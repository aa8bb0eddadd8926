import * as React from 'react';
import { ISignal } from '@lumino/signaling';

import { STATUS_LABELS } from '../api/shapes';
import { TagChip } from './tagEditor';

/** Re-render a component whenever `signal` fires. */
export function useSignal<T, A>(signal: ISignal<T, A>, filter?: (args: A) => boolean): number {
  const [tick, setTick] = React.useState(0);
  React.useEffect(() => {
    const slot = (_: T, args: A) => {
      if (!filter || filter(args)) {
        setTick(t => t + 1);
      }
    };
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
  return tick;
}

export function StatusBadge(props: { status: string }): JSX.Element {
  return (
    <span className={`je-status je-status-${props.status}`} title={props.status}>
      {STATUS_LABELS[props.status] ?? props.status}
    </span>
  );
}

export function Tags(props: { tags: string[] | undefined }): JSX.Element {
  return (
    <span className="je-tags">
      {(props.tags ?? []).map(t => (
        <TagChip key={t} tag={t} />
      ))}
    </span>
  );
}

export function ErrorLine(props: { error?: string }): JSX.Element | null {
  return props.error ? <div className="je-error">{props.error}</div> : null;
}

/** Run an async action, turning a failure into a line the user sees instead of a console trace. */
export function useAction(): [string, (run: () => Promise<unknown>) => Promise<void>, boolean] {
  const [error, setError] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const run = React.useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);
  return [error, run, busy];
}
