import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_PREFIX, IRequest, readBody, requestInit, Transport, withQuery } from './transport';

/**
 * The transport used inside Jupyter: every call goes through ServerConnection.makeRequest with
 * the application's server settings, so the token, the XSRF header and the base URL are right.
 */
export function jupyterTransport(settings: ServerConnection.ISettings = ServerConnection.makeSettings()): Transport {
  return async <T>(path: string, request: IRequest = {}): Promise<T> => {
    const url = withQuery(URLExt.join(settings.baseUrl, API_PREFIX, path), request.query);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, requestInit(request), settings);
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
    return readBody<T>(response, request.raw);
  };
}

/** The browser URL of a blob (artifact, debug sample), for <img src> and downloads. */
export function blobUrl(settings: ServerConnection.ISettings, sha256: string): string {
  const url = URLExt.join(settings.baseUrl, API_PREFIX, 'blobs', sha256);
  const token = settings.token;
  return token ? `${url}?token=${encodeURIComponent(token)}` : url;
}
