import * as React from 'react';

import type { Schemas } from '../api/shapes';
import { useEnv } from './env';

type Where = Schemas['Where'];

/** How long a shown answer stands before the chip asks again (a team server may come back). */
const ASK_AGAIN_MS = 60_000;

/** The host part of a URL, or the URL itself. */
function hostOf(location: string): string {
  try {
    return new URL(location).host || location;
  } catch {
    return location;
  }
}

/**
 * Which store or team server the panels show, and as whom: the lab's settings decide
 * (`api_host` in track.toml, JUPYTER_TRACK_*, CLEARML_*, clearml.conf), as for the SDK.
 */
export function WhereChip(): JSX.Element {
  const { client } = useEnv();
  const [where, setWhere] = React.useState<Where | null>(null);
  const [error, setError] = React.useState('');
  React.useEffect(() => {
    let alive = true;
    const ask = () =>
      client
        .request<Where>('where')
        .then(w => {
          if (alive) {
            setWhere(w);
            setError('');
          }
        })
        .catch((e: Error) => alive && setError(e.message));
    void ask();
    const timer = window.setInterval(ask, ASK_AGAIN_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [client]);
  if (error) {
    return (
      <div className="je-where je-where-error" title={error} role="status">
        <span className="je-where-dot" />
        <span className="je-where-text">Not connected: {error}</span>
      </div>
    );
  }
  if (!where) {
    return (
      <div className="je-where" role="status">
        <span className="je-where-text">…</span>
      </div>
    );
  }
  const team = where.mode === 'server';
  const title = team
    ? `Team server ${where.location}, as ${where.user || 'an API key'} (api_host in the settings; \`jupyter track where\`)`
    : `Local store ${where.location} (set api_host to show a team server instead)`;
  return (
    <div className={`je-where ${team ? 'je-where-team' : 'je-where-local'}`} title={title} role="status">
      <span className="je-where-dot" />
      <span className="je-where-text">
        {team ? (
          <>
            Team server <b>{hostOf(where.location)}</b>
          </>
        ) : (
          <>Local store</>
        )}
      </span>
      {where.user ? <span className="je-where-user">{where.user}</span> : null}
    </div>
  );
}
