/**
 * The one seam through which every HTTP call passes.
 *
 * The model and the views never call `fetch` themselves: they get a `Transport`. In JupyterLab it
 * is `jupyterTransport` (request.ts: ServerConnection.makeRequest, so the token, the XSRF cookie
 * and a JupyterHub base URL all work); in unit tests it is `fetchTransport` against a server on
 * 127.0.0.1.
 */

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export interface IRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** Ask for the raw text instead of parsed JSON (console logs, artifact previews). */
  raw?: boolean;
  signal?: AbortSignal;
}

export type Transport = <T>(path: string, request?: IRequest) => Promise<T>;

/** The error shape of the REST API: `{"error": {"type", "message"}}` with an HTTP status. */
export class TrackApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string
  ) {
    super(message);
    this.name = 'TrackApiError';
  }
}

export const API_PREFIX = 'track/api/v1/';

/** `?a=1&b=2` for a query, or `&a=1...` when `path` already carries one (repeated parameters). */
export function withQuery(path: string, query: Query | undefined): string {
  const q = encodeQuery(query);
  return q && path.includes('?') ? path + '&' + q.slice(1) : path + q;
}

export function encodeQuery(query: Query | undefined): string {
  if (!query) {
    return '';
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') {
      continue;
    }
    // Arrays repeat their key: a tag, a project path or a range may itself hold a comma.
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    for (const text of values) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Turn a non-2xx answer into a TrackApiError that says what the server said. */
export function errorFromBody(status: number, text: string): TrackApiError {
  let type = 'Error';
  let message = text || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { type?: string; message?: string }; message?: string };
    if (parsed.error) {
      type = parsed.error.type ?? type;
      message = parsed.error.message ?? message;
    } else if (parsed.message) {
      message = parsed.message;
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): keep the text.
  }
  return new TrackApiError(status, type, message);
}

export function requestInit(request: IRequest): RequestInit {
  const init: RequestInit = { method: request.method ?? 'GET', signal: request.signal };
  if (request.body !== undefined) {
    init.body = JSON.stringify(request.body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  return init;
}

export async function readBody<T>(response: Response, raw: boolean | undefined): Promise<T> {
  const text = await response.text();
  if (!response.ok) {
    throw errorFromBody(response.status, text);
  }
  if (raw) {
    return text as unknown as T;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A transport over the global `fetch` to a server at `baseUrl` (ends with '/'). */
export function fetchTransport(baseUrl: string, headers: Record<string, string> = {}): Transport {
  return async <T>(path: string, request: IRequest = {}): Promise<T> => {
    const url = baseUrl + API_PREFIX + withQuery(path, request.query);
    const init = requestInit(request);
    init.headers = { ...(init.headers as Record<string, string> | undefined), ...headers };
    const response = await fetch(url, init);
    return readBody<T>(response, request.raw);
  };
}
