import * as React from 'react';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';

import type { IProject, Schemas } from '../api/shapes';
import { TrackClient } from '../api/client';
import { ErrorLine, useAction } from './common';

type Grant = Schemas['Grant'];
type Role = 'viewer' | 'editor' | 'admin';
const ROLES: Role[] = ['viewer', 'editor', 'admin'];
const ROLE_HINTS: Record<Role, string> = {
  viewer: 'sees the project and its subprojects',
  editor: 'also runs, edits, enqueues and deletes their tasks',
  admin: 'also shares, renames, moves and deletes the project'
};

/** Who holds which role on a project: its own grants (editable) and those from its ancestors. */
export function ShareBody(props: { client: TrackClient; project: IProject }): JSX.Element {
  const { client, project } = props;
  const [grants, setGrants] = React.useState<Grant[] | null>(null);
  const [people, setPeople] = React.useState<string[]>([]);
  const [who, setWho] = React.useState('');
  const [role, setRole] = React.useState<Role>('viewer');
  const [error, run, busy] = useAction();
  React.useEffect(() => {
    void run(async () => {
      setGrants(await client.projectAccess(project.id));
      const users = await client.users();
      const groups = new Set(users.flatMap(u => u.groups));
      setPeople([...users.map(u => `user:${u.name}`), ...[...groups].map(g => `group:${g}`)]);
    });
  }, [project.id]);
  const change = (principal: string, next: Role | null) =>
    run(async () => setGrants(await client.share(project.id, principal, next)));
  const own = (grants ?? []).filter(g => !g.inherited);
  const inherited = (grants ?? []).filter(g => g.inherited);
  return (
    <div className="je-share">
      <ErrorLine error={error} />
      {grants === null ? (
        <div className="je-muted">Loading…</div>
      ) : (
        <table className="je-share-table">
          <tbody>
            {own.map(g => (
              <tr key={g.principal} data-principal={g.principal}>
                <td className="je-share-who">{g.principal}</td>
                <td>
                  <select
                    aria-label={`Role of ${g.principal}`}
                    value={g.role}
                    disabled={busy}
                    onChange={e => void change(g.principal, e.target.value as Role)}
                  >
                    {ROLES.map(r => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    className="je-btn"
                    title={`Take ${g.principal}'s role away`}
                    disabled={busy}
                    onClick={() => void change(g.principal, null)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
            {inherited.map(g => (
              <tr key={`${g.project_id}:${g.principal}`} className="je-share-inherited">
                <td className="je-share-who">{g.principal}</td>
                <td>{g.role}</td>
                <td className="je-muted" title="Granted on a parent project: change it there">
                  from {g.project}
                </td>
              </tr>
            ))}
            {!own.length && !inherited.length ? (
              <tr>
                <td colSpan={3} className="je-muted">
                  Shared with nobody: only server administrators see it.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      )}
      <div className="je-share-add">
        <input
          list="je-share-people"
          placeholder="user:name or group:name"
          aria-label="Share with"
          value={who}
          onChange={e => setWho(e.target.value)}
        />
        <datalist id="je-share-people">
          {people.map(p => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <select aria-label="Role to give" value={role} onChange={e => setRole(e.target.value as Role)}>
          {ROLES.map(r => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button
          className="je-btn je-primary"
          disabled={!who.trim() || busy}
          onClick={() =>
            void change(who.trim(), role).then(() => {
              setWho('');
            })
          }
        >
          Share
        </button>
      </div>
      <div className="je-muted je-share-hint">
        {role}: {ROLE_HINTS[role]}. Roles hold for every subproject.
      </div>
    </div>
  );
}

/** Open the Share dialog of a project. */
export async function showShareDialog(client: TrackClient, project: IProject): Promise<void> {
  await showDialog({
    title: `Share "${project.path || project.name}"`,
    body: ReactWidget.create(<ShareBody client={client} project={project} />),
    buttons: [Dialog.okButton({ label: 'Done' })]
  });
}
