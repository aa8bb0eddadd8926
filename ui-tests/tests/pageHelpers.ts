import { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as path from 'path';

export const SHOTS = path.join(__dirname, '..', 'artifacts');
const API = 'track/api/v1/';

/** A screenshot of the whole page into ui-tests/artifacts/<name>.png. */
export async function shot(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** The REST API, called from the page with JupyterLab's own token. */
export async function api(page: IJupyterLabPageFixture, route: string, method = 'GET', body?: unknown): Promise<any> {
  return page.evaluate(
    async ([prefix, r, m, b]) => {
      const settings = (window as any).galata.app.serviceManager.serverSettings;
      const init: RequestInit = { method: m as string, headers: { Authorization: `token ${settings.token}`, 'Content-Type': 'application/json' } };
      if (b !== undefined) {
        init.body = JSON.stringify(b);
      }
      const answer = await fetch(settings.baseUrl + prefix + r, init);
      const text = await answer.text();
      if (!answer.ok) {
        throw new Error(`${m} ${r}: ${answer.status} ${text}`);
      }
      return text ? JSON.parse(text) : null;
    },
    [API, route, method, body] as [string, string, string, unknown]
  );
}
