import { expect, test } from '@playwright/test';
import * as path from 'path';

// Plain Playwright (Galata's helpers assume "/"): the same panel under a JupyterHub-like
// base URL, where every request must carry the prefix.
test('under a base URL the panel lists tasks and a task view opens', async ({ page, baseURL }) => {
  const failed: string[] = [];
  page.on('response', r => {
    if (r.url().includes('track/api/v1/') && r.status() >= 400) {
      failed.push(`${r.status()} ${r.url()}`);
    }
  });
  await page.goto(`${baseURL}/lab?reset`);
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
  await page.locator('.jp-SideBar [data-id="jupyter-ext-experiments"]').click();
  const panel = page.locator('#jupyter-ext-experiments');
  // The other specs add tasks to the shared store: find this one by name rather than by scrolling.
  await panel.getByLabel('Search tasks').fill('baseline lr=0.01');
  const row = panel.locator('.je-task-row[data-task-name="baseline lr=0.01"]');
  await expect(row).toBeVisible({ timeout: 30000 });
  await row.dblclick();
  const view = page.locator('.jp-MainAreaWidget:visible .je-task-view');
  await view.getByRole('tab', { name: 'Scalars' }).click();
  await expect(view.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible({ timeout: 30000 });
  expect(page.url()).toContain('/user/tester/lab');
  expect(failed).toEqual([]);
  await page.screenshot({ path: path.join(__dirname, '..', 'artifacts', '09-hub-base-url.png') });
});

test('under a base URL a ?track= link opens its view, and copy-link keeps the prefix', async ({ page, baseURL }) => {
  const seed = JSON.parse(process.env.JE_SEED || '{"tasks":[]}') as { tasks: string[] };
  await page.goto(`${baseURL}/lab?track=task/${seed.tasks[1]}`);
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toHaveText('tuned lr=0.03', {
    timeout: 30000
  });
  await page.locator('.jp-MainAreaWidget:visible .je-copy-link').click();
  await expect(page.locator('body')).toHaveAttribute('data-je-copied-link', `${baseURL}/lab?track=task/${seed.tasks[1]}`);
  expect(baseURL).toContain('/user/tester');
});
