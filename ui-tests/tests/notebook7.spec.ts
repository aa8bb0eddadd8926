import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

// Notebook 7 has no ILabShell: the panel lives in its left area (View > Show Experiments) and
// task views open in its right area, beside the notebook.
test('in Notebook 7 the panel lists tasks and a task opens beside the notebook', async ({ page, baseURL }) => {
  const root = process.env.JE_UI_ROOT as string;
  fs.writeFileSync(
    path.join(root, 'nb7.ipynb'),
    JSON.stringify({
      cells: [],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5
    })
  );
  await page.goto(`${baseURL}/notebooks/nb7.ipynb`);
  await expect(page.locator('.jp-Notebook')).toBeVisible({ timeout: 60000 });
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.locator('.lm-Menu-item', { hasText: 'Left Sidebar' }).first().hover();
  await page.locator('.lm-Menu-itemLabel', { hasText: 'Show Experiments' }).click();
  const panel = page.locator('#jupyter-ext-experiments');
  // The other specs add tasks to the shared store: find this one by name rather than by scrolling.
  await panel.getByLabel('Search tasks').fill('baseline lr=0.01');
  const row = panel.locator('.je-task-row[data-task-name="baseline lr=0.01"]');
  await expect(row).toBeVisible({ timeout: 30000 });
  await row.dblclick({ position: { x: 40, y: 10 } });
  const view = page.locator('.je-task-view');
  await expect(view.locator('.je-task-name')).toHaveText('baseline lr=0.01');
  await view.getByRole('tab', { name: 'Scalars' }).click();
  await expect(view.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible({ timeout: 30000 });
  await page.screenshot({ path: path.join(__dirname, '..', 'artifacts', '10-notebook7.png') });
});
