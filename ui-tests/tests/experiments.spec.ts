import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as path from 'path';

/** Ids the seeding script printed (tests/ui/test_ui.py passes them on). */
const SEED: { tasks: string[]; draft: string; datasets: string[] } = JSON.parse(process.env.JE_SEED || '{"tasks":[]}');
const SHOTS = path.join(__dirname, '..', 'artifacts');
const API = 'track/api/v1/';

test.use({ autoGoto: true });

async function shot(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.sidebar.openTab('jupyter-ext-experiments');
  await page.sidebar.setWidth(560, 'left');
  await expect(page.locator('#jupyter-ext-experiments .je-task-row').first()).toBeVisible();
}

async function openTask(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.locator(`#jupyter-ext-experiments .je-task-row[data-task-name="${name}"]`).dblclick();
  await expect(page.locator('.jp-MainAreaWidget .je-task-view .je-task-name', { hasText: name })).toBeVisible();
}

function mainView(page: IJupyterLabPageFixture) {
  return page.locator('.jp-MainAreaWidget:visible .je-task-view');
}

test('the Experiments panel shows the project tree and the task table', async ({ page }) => {
  await openPanel(page);
  const panel = page.locator('#jupyter-ext-experiments');
  await expect(panel.locator('.je-project[data-project="UI Demo/Baseline"]')).toBeVisible();
  // Internal dataset projects stay out of the tree.
  await expect(panel.locator('.je-project', { hasText: '.datasets' })).toHaveCount(0);
  await panel.locator('.je-project[data-project="UI Demo/Baseline"]').click();
  await expect(panel.locator('.je-task-row')).toHaveCount(3);
  await expect(panel.locator('.je-task-row[data-task-name="baseline lr=0.01"] .je-status')).toHaveText('Completed');
  // Filter by status: only the draft.
  await panel.getByLabel('Status').selectOption('created');
  await expect(panel.locator('.je-task-row')).toHaveCount(1);
  await expect(panel.locator('.je-task-row').first()).toHaveAttribute('data-task-name', 'draft to edit');
  await panel.getByLabel('Status').selectOption('');
  // Search by name.
  await panel.getByLabel('Search tasks').fill('tuned');
  await expect(panel.locator('.je-task-row')).toHaveCount(1);
  await panel.getByLabel('Search tasks').fill('');
  await expect(panel.locator('.je-task-row')).toHaveCount(3);
  // Sort by name, both ways.
  await panel.locator('.je-header [data-column="name"]').click();
  await expect(panel.locator('.je-task-row').first()).toHaveAttribute('data-task-name', 'baseline lr=0.01');
  await panel.locator('.je-header [data-column="name"]').click();
  await expect(panel.locator('.je-task-row').first()).toHaveAttribute('data-task-name', 'tuned lr=0.03');
  await shot(page, '01-experiments-panel');
});

test('a task opens in the main area and its Scalars tab draws charts', async ({ page }) => {
  await openPanel(page);
  await openTask(page, 'baseline lr=0.01');
  const view = mainView(page);
  await expect(view.locator('.je-kv')).toContainText(SEED.tasks[0]);
  await view.getByRole('tab', { name: 'Scalars' }).click();
  for (const title of ['loss', 'accuracy']) {
    await expect(view.locator(`.je-chart[data-chart="${title}"] .je-plot-area[data-rendered="true"]`)).toBeVisible();
  }
  // Both series of "loss" are drawn as lines.
  await expect(view.locator('.je-chart[data-chart="loss"] .scatterlayer .trace')).toHaveCount(2);
  await view.getByLabel('Log scale').check();
  await expect(view.locator('.je-chart[data-chart="loss"] .ytick').first()).toBeVisible();
  await shot(page, '02-task-scalars');

  await view.getByRole('tab', { name: 'Plots' }).click();
  await expect(view.locator('.je-chart[data-plot="weights"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  await view.getByRole('tab', { name: 'Debug samples' }).click();
  const img = view.locator('.je-sample img').first();
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(64);
  await view.getByRole('tab', { name: 'Console' }).click();
  await expect(view.locator('.je-console')).toContainText('epoch 49');
  await view.getByRole('tab', { name: 'Artifacts' }).click();
  await view.locator('.je-artifact[data-artifact="summary"] .je-artifact-head').click();
  await expect(view.locator('.je-artifact[data-artifact="summary"] .je-code')).toContainText('"epochs": 50');
  // A DataFrame is stored as .csv.gz: its stored preview shows, not the compressed bytes.
  await view.locator('.je-artifact[data-artifact="predictions"] .je-artifact-head').click();
  await expect(view.locator('.je-artifact[data-artifact="predictions"] .je-code')).toContainText('label');
  await shot(page, '03-task-artifacts');
  await view.getByRole('tab', { name: 'Configuration' }).click();
  await expect(view.locator('tr[data-param="General/lr"]')).toContainText('0.01');
  await view.getByRole('tab', { name: 'Models' }).click();
  await expect(view.locator('.je-tab-models')).toContainText('baseline lr=0.01 model');
  await view.getByRole('tab', { name: 'Execution' }).click();
  await expect(view.locator('.je-tab-execution')).toContainText('Installed packages');
});

test('two tasks compare: scalars overlaid and the parameter that differs highlighted', async ({ page }) => {
  await openPanel(page);
  const panel = page.locator('#jupyter-ext-experiments');
  await panel.locator('.je-task-row[data-task-name="baseline lr=0.01"]').click();
  await panel.locator('.je-task-row[data-task-name="tuned lr=0.03"]').click({ modifiers: ['Control'] });
  await expect(panel.locator('.je-task-row.je-selected')).toHaveCount(2);
  await panel.locator('[data-action="compare"]').click();
  const compare = page.locator('.jp-MainAreaWidget:visible .je-compare');
  await expect(compare.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  // 2 tasks x 2 series of "loss", overlaid in one chart.
  await expect(compare.locator('.je-chart[data-chart="loss"] .scatterlayer .trace')).toHaveCount(4);
  await shot(page, '04-compare');
  await compare.getByRole('tab', { name: 'Hyperparameters' }).click();
  await expect(compare.locator('tr[data-key="General/lr"]')).toHaveClass(/je-differs/);
  await expect(compare.locator('tr[data-key="General/batch_size"]')).not.toHaveClass(/je-differs/);
  await compare.getByRole('tab', { name: 'Values & artifacts' }).click();
  await expect(compare.locator('tr[data-key="Best accuracy"]')).toBeVisible();
});

test('clone a task, edit the draft\'s hyperparameters, see the change stored', async ({ page }) => {
  await openPanel(page);
  await openTask(page, 'tuned lr=0.03');
  await mainView(page).locator('[data-action="clone"]').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input').fill('clone from the UI');
  await dialog.getByRole('button', { name: /ok/i }).click();
  const view = page.locator('.jp-MainAreaWidget:visible .je-task-view');
  await expect(view.locator('.je-task-name')).toHaveText('clone from the UI');
  await expect(view.locator('.je-task-title .je-status')).toHaveText('Draft');
  await view.getByRole('tab', { name: 'Configuration' }).click();
  const lr = view.getByLabel('General/lr', { exact: true });
  await lr.fill('0.5');
  await view.locator('[data-action="save-params"]').click();
  await expect(view.locator('[data-action="save-params"]')).toHaveCount(0);
  const id = await view.getAttribute('data-task-id');
  const stored = await page.evaluate(
    async ([api, taskId]) => {
      const settings = (window as any).galata.app.serviceManager.serverSettings;
      const url = settings.baseUrl + api + `tasks/${taskId}/parameters`;
      const r = await fetch(url, { headers: { Authorization: `token ${settings.token}` } });
      return (await r.json()).items;
    },
    [API, id]
  );
  const param = stored.find((p: any) => p.section === 'General' && p.name === 'lr');
  expect(param.value).toBe(0.5);
  await shot(page, '05-clone-edit');
  // The new draft shows up in the table without a reload.
  await page.sidebar.openTab('jupyter-ext-experiments');
  await expect(page.locator('#jupyter-ext-experiments .je-task-row[data-task-name="clone from the UI"]')).toBeVisible();
});

test('projects: create, rename, move and delete from the tree', async ({ page }) => {
  await openPanel(page);
  const panel = page.locator('#jupyter-ext-experiments');
  const dialog = page.locator('.jp-Dialog');
  const ok = () => dialog.getByRole('button', { name: /ok|delete/i }).last().click();
  await panel.locator('.je-project[data-project="UI Demo"]').click();
  await panel.getByRole('button', { name: 'New' }).click();
  await dialog.locator('input').fill('UI Demo/Scratch');
  await ok();
  const scratch = panel.locator('.je-project[data-project="UI Demo/Scratch"]');
  await expect(scratch).toBeVisible();
  await scratch.click();
  await panel.getByRole('button', { name: 'Rename' }).click();
  await dialog.locator('input').fill('Renamed');
  await ok();
  const renamed = panel.locator('.je-project[data-project="UI Demo/Renamed"]');
  await expect(renamed).toBeVisible();
  await renamed.click();
  await panel.getByRole('button', { name: 'Move' }).first().click();
  await dialog.locator('select').selectOption('(top level)');
  await ok();
  const top = panel.locator('.je-project[data-project="Renamed"]');
  await expect(top).toBeVisible();
  await top.click();
  await panel.getByRole('button', { name: 'Delete' }).first().click();
  await ok();
  await expect(top).toHaveCount(0);
});

test('chosen metric and parameter columns show each task\'s values', async ({ page }) => {
  await openPanel(page);
  const panel = page.locator('#jupyter-ext-experiments');
  await panel.locator('.je-project[data-project="UI Demo/Baseline"]').click();
  await panel.locator('[data-action="columns"]').click();
  await page.locator('.jp-Dialog input').fill('param:General/lr, metric:loss/validation');
  await page.locator('.jp-Dialog').getByRole('button', { name: /ok/i }).click();
  const row = panel.locator('.je-task-row[data-task-name="tuned lr=0.03"]');
  await expect(row).toContainText('0.03');
  await expect(panel.locator('.je-header [data-column="metric:loss/validation"]')).toBeVisible();
  await expect(row.locator('.je-cell').last()).not.toHaveText('');
  await page.sidebar.setWidth(1000, 'left');
  await shot(page, '11-columns');
});

test('models and datasets panels: registry, version graph, files and diff', async ({ page }) => {
  await openPanel(page);
  const panel = page.locator('#jupyter-ext-experiments');
  await panel.getByRole('tab', { name: 'Models' }).click();
  await expect(panel.locator('[data-model="baseline lr=0.01 model"]')).toBeVisible();
  await panel.getByRole('tab', { name: 'Datasets' }).click();
  await panel.locator('[data-dataset="UI Demo/digits"]').click();
  await expect(panel.locator('.je-graph .je-node')).toHaveCount(2);
  await expect(panel.locator('.je-graph .je-edge')).toHaveCount(1);
  await panel.locator('.je-node[data-version="2"]').click();
  await expect(panel.locator('.je-files .je-row')).toHaveCount(3);
  await panel.locator('.je-node[data-version="1"]').click({ modifiers: ['Control'] });
  await expect(panel.locator('.je-dataset-diff .je-diff-added')).toContainText('c.csv');
  await shot(page, '06-datasets');
});

test('the task of the notebook in focus is highlighted', async ({ page, tmpPath }) => {
  await openPanel(page);
  await page.notebook.createNew('tracked.ipynb');
  await page.notebook.setCell(
    0,
    'code',
    'from jupyter_ext import Task\ntask = Task.init(project_name="UI Demo/Notebook", task_name="from a notebook")\nprint(task.id)'
  );
  await page.notebook.run();
  const output = (await page.notebook.getCellTextOutput(0)) ?? [];
  const id = output.join('').trim().split(/\s+/).pop() as string;
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  await page.sidebar.openTab('jupyter-ext-experiments');
  const banner = page.locator(`#jupyter-ext-experiments [data-focus-task="${id}"]`);
  await expect(banner).toBeVisible();
  await page.locator('#jupyter-ext-experiments .je-project', { hasText: 'All projects' }).click();
  await expect(page.locator(`#jupyter-ext-experiments .je-task-row.je-focus[data-task-id="${id}"]`)).toBeVisible();
  await shot(page, '07-notebook-focus');
  await banner.click();
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toHaveText('from a notebook');
});

test('dark theme: the panels follow JupyterLab\'s colours', async ({ page }) => {
  await page.theme.setDarkTheme();
  await openPanel(page);
  await openTask(page, 'baseline lr=0.01');
  await mainView(page).getByRole('tab', { name: 'Scalars' }).click();
  await expect(mainView(page).locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  const bg = await page.locator('#jupyter-ext-experiments').evaluate(el => getComputedStyle(el).backgroundColor);
  expect(bg).not.toBe('rgb(255, 255, 255)');
  await shot(page, '08-dark-theme');
  await page.theme.setLightTheme();
});

void galata;
