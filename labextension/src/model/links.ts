/**
 * Links to views: `{base_url}lab?track=<route>`, with the routes
 * `task/<id>[/<tab>]`, `compare/<id>,<id>,…`, `project/<path>`, `model/<id>`, `dataset/<id>`,
 * `pipeline/<id>` (and `home`, `dashboard/<path>`). Pure: parse and build, no DOM.
 */

export type Route =
  | { kind: 'task'; id: string; tab?: string }
  | { kind: 'compare'; ids: string[] }
  | { kind: 'project'; path: string }
  | { kind: 'dashboard'; path: string }
  | { kind: 'home' }
  | { kind: 'table' }
  | { kind: 'model'; id: string }
  | { kind: 'dataset'; id: string }
  | { kind: 'pipeline'; id: string };

const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** The route of a `track=` value, or null when it is not one (the reason is thrown by `routeOrError`). */
export function parseRoute(value: string | null | undefined): Route | null {
  try {
    return routeOrError(value ?? '');
  } catch {
    return null;
  }
}

/** Parse a route as `routeValue` writes it (each path part URI-encoded). */
export function routeOrError(value: string): Route {
  const text = value.trim().replace(/^\/+|\/+$/g, '');
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const slash = text.indexOf('/');
  const kind = slash < 0 ? text : text.slice(0, slash);
  const rest = slash < 0 ? '' : text.slice(slash + 1);
  const id = (s: string) => {
    if (!ID.test(s)) {
      throw new Error(`"${s}" is not a valid id in the link track=${value}`);
    }
    return s;
  };
  switch (kind) {
    case 'task': {
      const [taskId, tab] = rest.split('/');
      return tab ? { kind: 'task', id: id(taskId), tab: decode(tab) } : { kind: 'task', id: id(taskId) };
    }
    case 'compare': {
      const ids = rest.split(',').filter(Boolean).map(id);
      if (ids.length < 2) {
        throw new Error(`a compare link names at least two task ids: track=compare/<id>,<id>`);
      }
      return { kind: 'compare', ids };
    }
    case 'project':
    case 'dashboard':
      if (!rest) {
        throw new Error(`a ${kind} link names a project path: track=${kind}/<path>`);
      }
      return { kind, path: rest.split('/').map(decode).join('/') };
    case 'home':
      return { kind: 'home' };
    case 'table':
      return { kind: 'table' };
    case 'model':
    case 'dataset':
    case 'pipeline':
      return { kind, id: id(rest) };
  }
  throw new Error(`"${kind}" is not a view: use task, compare, project, model, dataset or pipeline`);
}

/** The `track=` value of a route ('/' and ',' kept as is, each part otherwise encoded). */
export function routeValue(route: Route): string {
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  switch (route.kind) {
    case 'task':
      return `task/${route.id}${route.tab ? `/${encodeURIComponent(route.tab)}` : ''}`;
    case 'compare':
      return `compare/${route.ids.join(',')}`;
    case 'project':
    case 'dashboard':
      return `${route.kind}/${enc(route.path)}`;
    case 'home':
    case 'table':
      return route.kind;
    default:
      return `${route.kind}/${route.id}`;
  }
}

/** The full link: `labUrl` is `{base_url}lab` of this JupyterLab. */
export function linkTo(labUrl: string, route: Route): string {
  return `${labUrl}?track=${routeValue(route)}`;
}

/** The raw `track=` value of a query string, as written (parts are decoded by `routeOrError`). */
export function trackParam(search: string): string | null {
  const m = /[?&]track=([^&#]*)/.exec(search);
  return m ? m[1] : null;
}
