import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { api, shot } from './pageHelpers';

/** Ids the seeding script printed (tests/ui/test_ui.py passes them on). */
const SEED: { sweep: string[]; sweep_draft: string; sweep_model: string; url_model: string } = JSON.parse(
  process.env.JE_SEED || '{"sweep":[]}'
);

test.use({ autoGoto: true });
test.describe.configure({ mode: 'serial' });

async function openTask(page: IJupyterLabPageFixture, id: string, tab: string) {
  await page.evaluate(async ([id, tab]) => {
    await (window as any).galata.app.commands.execute('jupyter-ext:open-task', { id, tab });
  }, [id, tab]);
  const view = page.locator('.jp-MainAreaWidget:visible .je-task-view');
  await expect(view).toBeVisible();
  return view;
}

async function openModel(page: IJupyterLabPageFixture, id: string) {
  await page.evaluate(async id => {
    await (window as any).galata.app.commands.execute('jupyter-ext:open-model', { id });
  }, id);
  const view = page.locator('.jp-MainAreaWidget:visible .je-model-view');
  await expect(view.locator('.je-model-overview')).toBeVisible();
  return view;
}

async function setTheme(page: IJupyterLabPageFixture, dark: boolean) {
  await page.theme.setTheme(dark ? 'JupyterLab Dark' : 'JupyterLab Light');
}

test('scalars: wall time is drawn (not blank), relative time in seconds, monitor charts last by unit', async ({
  page
}) => {
  const view = await openTask(page, SEED.sweep[0], 'Scalars');
  const titles = view.locator('.je-tab-scalars .je-chart');
  await expect(titles.last()).toHaveAttribute('data-chart', ':monitor:machine (GB)');
  await expect(titles.nth(-2)).toHaveAttribute('data-chart', ':monitor:machine (%)');
  const loss = view.locator('.je-chart[data-chart="loss"]');
  await expect(loss.locator('.je-plot-area[data-rendered="true"]')).toBeVisible();
  await view.getByLabel('X axis').selectOption('timestamp');
  // The seeded points were reported today: the date axis shows this year's times, and the line is drawn.
  const year = String(new Date().getFullYear());
  await expect(loss.locator('.xtick text').first()).toBeVisible();
  await expect.poll(async () => (await loss.locator('.xaxislayer-above').textContent()) ?? '').toMatch(
    new RegExp(`\\d{2}:\\d{2}|${year}`)
  );
  // Before the fix the points sat in the year 58,000 and the chart was empty: here a line is drawn.
  const path = await loss.locator('.scatterlayer .trace path.js-line').first().getAttribute('d');
  expect(path ?? '').toMatch(/^M[\d.]+,[\d.]+L/);
  await expect.poll(async () => (await loss.locator('.xaxislayer-above').textContent()) ?? '').toContain(year);
  await view.getByLabel('X axis').selectOption('relative');
  await expect(loss.locator('.gtitle, .g-xtitle')).toContainText(['seconds since start']);
  const ticks = await loss.locator('.xtick text').allTextContents();
  expect(ticks.every(t => Number(t.replace('−', '-')) < 3600)).toBe(true);
  await shot(page, 'pages-01-scalars-relative');
});

test('debug samples: a slider per title/series, full-size viewer with previous and next', async ({ page }) => {
  const view = await openTask(page, SEED.sweep[1], 'Debug samples');
  const group = view.locator('[data-sample-group="predictions / digit"]');
  await expect(group.getByLabel('Iteration of predictions / digit')).toBeVisible();
  await expect(group).toContainText('iteration 20');
  await group.getByLabel('Iteration of predictions / digit').fill('0');
  await expect(group).toContainText('iteration 0');
  await group.locator('img').click();
  const viewer = page.locator('.je-viewer');
  await expect(viewer).toContainText('iteration 0 (1/3)');
  await page.keyboard.press('ArrowRight');
  await expect(viewer).toContainText('iteration 10 (2/3)');
  await expect.poll(() => viewer.locator('img').evaluate(i => (i as HTMLImageElement).width)).toBeGreaterThan(300);
  await shot(page, 'pages-02-sample-viewer');
  await setTheme(page, true);
  await shot(page, 'pages-03-sample-viewer-dark');
  await setTheme(page, false);
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toHaveCount(0);
});

test('tags: added, coloured and removed on the task page', async ({ page }) => {
  const view = await openTask(page, SEED.sweep[2], 'Info');
  const tags = view.locator('tr[data-field="Tags"]');
  await tags.getByLabel('Add a tag').fill('best, keep');
  await tags.getByLabel('Add a tag').press('Enter');
  await expect(tags.locator('.je-tag[data-tag="best"]')).toBeVisible();
  await expect.poll(async () => (await api(page, `tasks/${SEED.sweep[2]}`)).tags).toEqual(['best', 'keep']);
  await tags.getByLabel('Colour of best').fill('#ff0000');
  await expect(tags.locator('.je-tag[data-tag="best"]')).toHaveCSS('border-top-color', 'rgb(255, 0, 0)');
  await shot(page, 'pages-04-tags');
  await tags.getByRole('button', { name: 'Remove tag keep' }).click();
  await expect.poll(async () => (await api(page, `tasks/${SEED.sweep[2]}`)).tags).toEqual(['best']);
});

test('a draft: hyperparameters added and deleted, the execution edited and stored', async ({ page }) => {
  const view = await openTask(page, SEED.sweep_draft, 'Configuration');
  await view.getByLabel('New parameter name').fill('momentum');
  await view.getByLabel('New parameter value').fill('0.9');
  await view.locator('[data-action="add-param"]').click();
  await view.getByRole('button', { name: 'Delete General/batch_size' }).click();
  await expect(view.locator('tr[data-param="General/batch_size"]')).toHaveClass(/je-deleted/);
  await shot(page, 'pages-05-params-draft');
  await view.locator('[data-action="save-params"]').click();
  await expect
    .poll(async () =>
      ((await api(page, `tasks/${SEED.sweep_draft}/parameters`)).items as { section: string; name: string; value: unknown }[])
        .map(p => `${p.section}/${p.name}=${JSON.stringify(p.value)}`)
        .sort()
    )
    .toEqual(['General/depth=2', 'General/lr=0.005', 'General/momentum=0.9', 'General/optimizer="sgd"']);

  await view.getByRole('tab', { name: 'Execution' }).click();
  const exec = view.locator('.je-tab-execution');
  await exec.getByLabel('Commit', { exact: true }).fill('');
  await exec.getByLabel('Branch', { exact: true }).fill('release');
  await exec.getByLabel('Arguments', { exact: true }).fill('--epochs 3 --name "long run"');
  await exec.getByLabel('Environment variables', { exact: true }).fill('GREETING=hello\nCUDA_VISIBLE_DEVICES=0');
  await exec.getByLabel('Installed packages', { exact: true }).fill('numpy==2.1.0\nscikit-learn==1.5.0');
  await shot(page, 'pages-06-execution-draft');
  await setTheme(page, true);
  await shot(page, 'pages-07-execution-draft-dark');
  await setTheme(page, false);
  await exec.locator('[data-action="save-execution"]').click();
  await expect
    .poll(async () => (await api(page, `tasks/${SEED.sweep_draft}`)).script.environment)
    .toEqual({ GREETING: 'hello', CUDA_VISIBLE_DEVICES: '0' });
  const script = (await api(page, `tasks/${SEED.sweep_draft}`)).script;
  expect(script.branch).toBe('release');
  expect(script.version_num).toBe('');
  expect(script.argv).toEqual(['train.py', '--epochs', '3', '--name', 'long run']);
  expect(script.requirements).toBe('numpy==2.1.0\nscikit-learn==1.5.0');
  // A bad line is refused with the reason, nothing stored.
  await exec.getByLabel('Environment variables', { exact: true }).fill('not a variable');
  await exec.locator('[data-action="save-execution"]').click();
  await expect(exec.locator('.je-error')).toContainText('NAME=value');
});

test('the Models tab opens the model page, whose Task field names the task; URL-only size unknown', async ({
  page
}) => {
  const view = await openTask(page, SEED.sweep[0], 'Models');
  await view.locator('tr[data-model="url only model"] [data-action="open-model"]').click();
  const model = page.locator('.jp-MainAreaWidget:visible .je-model-view');
  await expect(model.locator('.je-task-name')).toHaveText('url only model');
  await expect(model.locator('tr[data-field="Size"] td')).toHaveText('unknown');
  await expect(model.locator('tr[data-field="Task"] td')).toHaveText(/^sweep 00 lr=0\.005$/);
});

test('model page: rename, tags, metadata, publish (then final), archive and restore', async ({ page }) => {
  const view = await openModel(page, SEED.sweep_model);
  await view.getByRole('button', { name: 'Edit model name' }).click();
  await view.getByLabel('model name').fill('sweep model v2');
  await view.getByLabel('model name').press('Enter');
  await expect(view.locator('.je-task-name')).toHaveText('sweep model v2');
  await view.locator('tr[data-field="Tags"]').getByLabel('Add a tag').fill('production');
  await view.locator('tr[data-field="Tags"]').getByLabel('Add a tag').press('Enter');
  await view.getByRole('button', { name: 'Edit description' }).click();
  await view.getByLabel('description').fill('Chosen from the sweep.');
  await view.getByLabel('description').blur();
  await expect(view.locator('.je-model-comment')).toHaveText('Chosen from the sweep.');
  await view.getByLabel('Metadata key').fill('epochs');
  await view.getByLabel('Metadata value').fill('12');
  await view.locator('[data-action="set-metadata"]').click();
  await expect(view.locator('.je-model-metadata tr[data-key="epochs"]')).toContainText(/int\s*12/);
  await view.getByRole('button', { name: 'Delete metadata note' }).click();
  await expect(view.locator('.je-model-metadata tr[data-key="note"]')).toHaveCount(0);
  await expect(view.locator('.je-model-metadata tr[data-key="score"]')).toContainText(/float\s*0\.75/);
  const stored = await api(page, `models/${SEED.sweep_model}`);
  expect(stored.name).toBe('sweep model v2');
  expect([...stored.tags].sort()).toEqual(['production', 'sweep']);
  expect(Object.keys(stored.metadata).sort()).toEqual(['epochs', 'score']);
  await shot(page, 'pages-08-model-edit');

  await view.locator('[data-action="publish-model"]').click();
  await expect(view.locator('tr[data-field="State"] td')).toHaveText('Published');
  await expect(view.locator('.je-metadata-editor')).toContainText('Published: its metadata is final.');
  await expect(view.getByRole('button', { name: /Delete metadata/ })).toHaveCount(0);
  await view.locator('[data-action="archive-model"]').click();
  await expect(view.locator('tr[data-field="State"] td')).toHaveText('Published, archived');
  await setTheme(page, true);
  await shot(page, 'pages-09-model-published-dark');
  await setTheme(page, false);
  await view.locator('[data-action="restore-model"]').click();
  await expect(view.locator('tr[data-field="State"] td')).toHaveText('Published');
});
