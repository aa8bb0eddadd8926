/**
 * Pure helpers of the `jupyter_ext.snapshot` comm (snapshot.ts): the question asked of a kernel
 * before opening it, and the notebook's absolute path as the kernel should see it.
 */

export const SNAPSHOT_TARGET = 'jupyter_ext.snapshot';

/**
 * A user expression that answers "is the comm target registered here?" and the kernel user's home
 * (to expand a server root given as `~/...`). It only reads modules that are already imported:
 * `comm` is looked up in `sys.modules`, never imported, so a kernel without the extension is left
 * exactly as it was. The answer is `'1'` or `'0'` and the home as UTF-8 hex, so no quoting can
 * garble it on the way back as a repr.
 */
export const PROBE_EXPRESSION =
  "(lambda c, o: ('1' if c is not None and '" +
  SNAPSHOT_TARGET +
  "' in getattr(c.get_comm_manager(), 'targets', {}) else '0')" +
  " + o.path.expanduser('~').encode('utf-8', 'surrogateescape').hex())" +
  "(__import__('sys').modules.get('comm'), __import__('os'))";

export interface IProbeAnswer {
  hasTarget: boolean;
  home: string;
}

/** The probe's `text/plain` answer (a Python str repr), or null when it is not one. */
export function parseProbe(text: string): IProbeAnswer | null {
  const m = /^['"]([01])((?:[0-9a-f]{2})*)['"]$/.exec(text.trim());
  if (!m) {
    return null;
  }
  const bytes = new Uint8Array((m[2].match(/../g) ?? []).map(h => parseInt(h, 16)));
  return { hasTarget: m[1] === '1', home: new TextDecoder().decode(bytes) };
}

/**
 * The notebook's absolute path: the server's root (`~` expanded with the kernel's home) joined with
 * the notebook's path under it. Without a root the server-relative path is the best there is.
 */
export function absoluteNotebookPath(serverRoot: string, home: string, localPath: string): string {
  let root = serverRoot.replace(/\\/g, '/');
  if ((root === '~' || root.startsWith('~/')) && home) {
    root = home.replace(/\\/g, '/').replace(/\/+$/, '') + root.slice(1);
  }
  const rel = localPath.replace(/^\/+/, '');
  if (!root) {
    return rel;
  }
  return root.endsWith('/') ? root + rel : `${root}/${rel}`;
}
