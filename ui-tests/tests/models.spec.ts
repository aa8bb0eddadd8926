import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { api, shot } from './pageHelpers';

/** Ids the seeding script printed: `model` is "resnet classifier", made by the first task. */
const SEED: { tasks: string[]; model: string } = JSON.parse(process.env.JE_SEED || '{"tasks":[],"model":""}');
const MODEL = 'resnet classifier';

test.use({ autoGoto: true, permissions: ['clipboard-read', 'clipboard-write'] });
// One store for the whole file: the live test adds metrics the ones after it may see.
test.describe.configure({ mode: 'serial' });

/** Pick a model in the sidebar's Models panel; its details open in the main area. */
async function openModel(page: IJupyterLabPageFixture, name: string) {
  await page.sidebar.openTab('jupyter-ext-experiments');
  await page.sidebar.setWidth(470, 'left');
  const panel = page.locator('#jupyter-ext-experiments');
  await panel.getByRole('tab', { name: 'Models' }).click();
  await panel.locator(`.je-row[data-model="${name}"]`).click();
  await expect(panel.locator(`.je-row.je-selected[data-model="${name}"]`)).toBeVisible();
  const view = page.locator('.jp-MainAreaWidget:visible .je-model-view');
  await expect(view.locator('.je-task-name')).toHaveText(name);
  return view;
}

function field(view: ReturnType<IJupyterLabPageFixture['locator']>, name: string) {
  return view.locator(`.je-model-overview tr[data-field="${name}"] td`);
}

test('a model picked in the panel shows its details, labels, metadata, versions and metrics', async ({ page }) => {
  const view = await openModel(page, MODEL);
  await expect(view).toHaveAttribute('data-model-id', SEED.model);
  // Overview: what the SDK stored, the latest version's weights.
  await expect(field(view, 'Framework')).toHaveText('pytorch');
  await expect(field(view, 'Version')).toHaveText('v2 of 2');
  await expect(field(view, 'State')).toHaveText('Draft');
  await expect(field(view, 'Tags')).toContainText('candidate');
  await expect(field(view, 'Iteration')).toHaveText('20');
  await expect(field(view, 'Size')).toHaveText('256 B');
  await expect(field(view, 'File')).toHaveText('resnet-20.pt');
  await expect(field(view, 'Parent model')).toHaveText('baseline lr=0.01 model');
  await expect(view.locator('.je-model-comment')).toContainText('Candidate for the next release.');

  // Labels in id order; metadata with its types.
  await expect(view.locator('.je-model-labels tbody tr')).toHaveCount(3);
  await expect(view.locator('.je-model-labels tbody tr').first()).toHaveAttribute('data-label', 'background');
  await expect(view.locator('.je-model-labels tr[data-label="dog"] td').nth(1)).toHaveText('2');
  await expect(view.locator('.je-model-metadata tbody tr')).toHaveCount(4);
  await expect(view.locator('.je-model-metadata tr[data-key="accuracy"]')).toContainText(/float\s*0\.912/);
  await expect(view.locator('.je-model-metadata tr[data-key="epochs"]')).toContainText(/int\s*20/);
  await expect(view.locator('.je-model-metadata tr[data-key="dataset"]')).toContainText(/str\s*digits v2/);
  await expect(view.locator('.je-model-metadata tr[data-key="augment"]')).toContainText(/bool\s*true/);

  // Versions, newest first, the one shown marked.
  const versions = view.locator('.je-model-versions tbody tr');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toHaveAttribute('data-version', '2');
  await expect(versions.first()).toHaveClass(/je-current/);
  await expect(view.locator('.je-model-versions tr[data-version="1"]')).toContainText('resnet-10.pt');
  await expect(view.locator('.je-model-versions tr[data-version="1"]')).toContainText('128 B');

  // Its own metrics: single values as a table, one chart per title with a line per series.
  await expect(view.locator('.je-single-values tr[data-single-value="test accuracy"]')).toContainText('0.912');
  await expect(view.locator('.je-single-values tr[data-single-value="F1"]')).toContainText('0.887');
  for (const title of ['loss', 'accuracy']) {
    await expect(view.locator(`.je-chart[data-chart="${title}"] .je-plot-area[data-rendered="true"]`)).toBeVisible();
  }
  await expect(view.locator('.je-chart[data-chart="loss"] .scatterlayer .trace')).toHaveCount(2);
  await expect(view.locator('.je-chart[data-chart="accuracy"] .scatterlayer .trace')).toHaveCount(1);
  await expect(view.locator('.je-model-metrics .je-error')).toHaveCount(0);
  await shot(page, '21-model-details');

  // The design is folded away until asked for, in monospace.
  const design = view.locator('.je-model-design pre');
  await expect(design).toBeHidden();
  await view.locator('.je-model-design summary').click();
  await expect(design).toContainText('"arch": "resnet18"');
  expect(await design.evaluate(el => getComputedStyle(el).fontFamily)).toMatch(/mono/i);


  // The weights: an address without the page's token, copied as shown, and a download of the bytes.
  const url = (await view.locator('.je-weights-url').textContent()) ?? '';
  expect(url).toMatch(/\/track\/api\/v1\/blobs\/[0-9a-f]{64}$/);
  await view.locator('[data-action="copy-weights-url"]').click();
  await expect(view.locator('[data-action="copy-weights-url"]')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  const href = (await view.locator('.je-weights a[download]').getAttribute('href')) ?? '';
  expect(await page.evaluate(async h => (await (await fetch(h)).arrayBuffer()).byteLength, href)).toBe(256);

  // The task that made it opens from here.
  await view.locator('[data-action="open-task"]').click();
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toHaveText('baseline lr=0.01');

  // Picking it again brings its tab back; its parent opens from there.
  const again = await openModel(page, MODEL);
  await again.locator('[data-action="open-parent"]').click();
  await expect(page.locator('.jp-MainAreaWidget:visible .je-model-view .je-task-name')).toHaveText('baseline lr=0.01 model');
});

test('live: metrics reported and edits made while the view is open show without a reload', async ({ page }) => {
  const view = await openModel(page, MODEL);
  await expect(view.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  await expect(view.locator('.je-chart[data-chart="latency"]')).toHaveCount(0);
  const stored = await api(page, `models/${SEED.model}/metrics`, 'POST', {
    scalars: [1, 2, 3].map(i => ({ title: 'latency', series: 'p50', iteration: i, value: 10 + i })),
    single_values: [{ name: 'params (M)', value: 11.2 }]
  });
  expect(stored.stored).toBe(4);
  await expect(view.locator('.je-chart[data-chart="latency"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  await expect(view.locator('.je-single-values tr[data-single-value="params (M)"]')).toContainText('11.2');
  await api(page, `models/${SEED.model}`, 'PATCH', { comment: 'Edited while open.', tags: ['resnet', 'candidate', 'reviewed'] });
  await expect(view.locator('.je-model-comment')).toHaveText('Edited while open.');
  await expect(field(view, 'Tags')).toContainText('reviewed');
});

test('live: metrics a notebook reports through OutputModel reach the open view', async ({ page }) => {
  const view = await openModel(page, MODEL);
  await expect(view.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  await expect(view.locator('.je-chart[data-chart="throughput"]')).toHaveCount(0);
  // The kernel writes to the store itself: the server learns of it by polling the store.
  await page.notebook.createNew('model-metrics.ipynb');
  await page.notebook.setCell(
    0,
    'code',
    'from jupyter_ext import OutputModel, Task\n' +
      `model = OutputModel(task=Task.get_task(task_id="${SEED.tasks[0]}"), name="${MODEL}")\n` +
      '_ = [model.report_scalar("throughput", "images/s", 100.0 * i, i) for i in range(1, 6)]\n' +
      'model.report_single_value("batch size", 64)\nmodel.flush()\nprint(model.id)'
  );
  await page.notebook.run();
  const output = ((await page.notebook.getCellTextOutput(0)) ?? []).join('');
  expect(output.trim().split(/\s+/).pop()).toBe(SEED.model); // the same model, not a new one
  // Back to the model's tab (activated, not re-opened): the new chart is there.
  await page.locator('.lm-TabBar-tab', { hasText: MODEL }).click();
  await expect(view.locator('.je-chart[data-chart="throughput"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  await expect(view.locator('.je-chart[data-chart="throughput"] .scatterlayer .trace')).toHaveCount(1);
  await expect(view.locator('.je-single-values tr[data-single-value="batch size"]')).toContainText('64');
});

test('a model without metrics of its own says so, with no error', async ({ page }) => {
  const view = await openModel(page, 'tuned lr=0.03 model');
  await expect(view.locator('.je-model-metrics')).toContainText('No metrics reported for this model.');
  await expect(view.locator('.je-error')).toHaveCount(0);
  await expect(view.locator('.je-model-labels')).toHaveCount(0);
  await expect(view.locator('[data-section="labels"]')).toContainText('No labels.');
});

test('dark theme: the model details follow JupyterLab\'s colours', async ({ page }) => {
  await page.theme.setDarkTheme();
  const view = await openModel(page, MODEL);
  await expect(view.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  const bg = await view.evaluate(el => getComputedStyle(el.closest('.je-main') as Element).backgroundColor);
  expect(bg).not.toBe('rgb(255, 255, 255)');
  const section = await view.locator('[data-section="overview"]').evaluate(el => getComputedStyle(el).backgroundColor);
  expect(section).not.toBe('rgb(255, 255, 255)');
  await shot(page, '22-model-details-dark');
  await page.theme.setLightTheme();
});
