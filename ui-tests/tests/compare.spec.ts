import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { shot } from './pageHelpers';

/** Ids the seeding script printed (tests/ui/test_ui.py passes them on). */
const SEED: { tasks: string[]; sweep: string[] } = JSON.parse(process.env.JE_SEED || '{"tasks":[],"sweep":[]}');

test.use({ autoGoto: true });

/** Open a comparison the way the URL router does: the command with the ids. */
async function openCompare(page: IJupyterLabPageFixture, ids: string[]) {
  await page.evaluate(async ids => {
    await (window as any).galata.app.commands.execute('jupyter-ext:compare-tasks', { ids });
  }, ids);
  const view = page.locator('.jp-MainAreaWidget:visible .je-compare');
  await expect(view).toBeVisible();
  return view;
}

async function setTheme(page: IJupyterLabPageFixture, dark: boolean) {
  await page.theme.setTheme(dark ? 'JupyterLab Dark' : 'JupyterLab Light');
}

test('compare a sweep: colours per task, parallel coordinates from the start, ten drawn and two listed', async ({
  page
}) => {
  const view = await openCompare(page, SEED.sweep);
  // Parallel coordinates of what differs (lr, depth, optimizer) and a metric, without a click.
  const parcoords = view.locator('.je-parcoords .je-plot-area[data-rendered="true"]');
  await expect(parcoords).toBeVisible();
  await expect(parcoords.locator('.parcoords .y-axis')).toHaveCount(4);
  await expect(view.locator('.je-parcoords')).toContainText('3 differing parameters · 12 tasks');
  // Ten tasks drawn (chips), two collapsed into a list.
  await expect(view.locator('.je-compare-task')).toHaveCount(10);
  await expect(view.locator('.je-collapsed button')).toHaveText(/2 more not drawn/);
  // The loss chart: 10 tasks x 2 series, a colour per task, a dash per series.
  const loss = view.locator('.je-chart[data-chart="loss"]');
  await expect(loss.locator('.je-plot-area[data-rendered="true"]')).toBeVisible();
  await expect(loss.locator('.scatterlayer .trace')).toHaveCount(20);
  const styles = await loss.locator('.scatterlayer .trace path.js-line').evaluateAll(paths =>
    paths.map(p => [(p as SVGPathElement).style.stroke, (p as SVGPathElement).style.strokeDasharray])
  );
  expect(new Set(styles.map(s => s[0])).size).toBe(10);
  expect(new Set(styles.map(s => s[1])).size).toBe(2);
  // Monitor charts come after the user's metrics, one per unit.
  const titles = await view.locator('.je-compare-scalars .je-chart').evaluateAll(els =>
    els.map(e => e.getAttribute('data-chart'))
  );
  expect(titles.slice(0, 2).sort()).toEqual(['accuracy', 'loss']);
  expect(titles.slice(2)).toEqual([':monitor:machine (%)', ':monitor:machine (GB)']);
  await shot(page, 'compare-01-sweep');
  await setTheme(page, true);
  await expect(loss.locator('.je-plot-area[data-rendered="true"]')).toBeVisible();
  await shot(page, 'compare-02-sweep-dark');
  await setTheme(page, false);

  // Draw one of the two collapsed tasks: its curves join the chart.
  await view.locator('.je-collapsed button').click();
  await view.locator('.je-collapsed label', { hasText: 'sweep 11' }).locator('input').check();
  await expect(loss.locator('.scatterlayer .trace')).toHaveCount(22);
});

test('compare: metric picker, scatter click opens the task, remove and add a task', async ({ page }) => {
  const view = await openCompare(page, SEED.sweep.slice(0, 3));
  await expect(view.locator('.je-chart[data-chart="loss"] .je-plot-area[data-rendered="true"]')).toBeVisible();
  // The metric picker hides a chart.
  await view.locator('.je-metric-picker > button').click();
  await view.locator('.je-picker-pop label', { hasText: 'accuracy' }).locator('input').uncheck();
  await expect(view.locator('.je-chart[data-chart="accuracy"]')).toHaveCount(0);
  await view.locator('.je-metric-picker > button').click();
  // Remove a task: its chip and its curves go.
  await view.getByRole('button', { name: /Remove sweep 02/ }).click();
  await expect(view.locator('.je-compare-task')).toHaveCount(2);
  await expect(view.locator('.je-chart[data-chart="loss"] .scatterlayer .trace')).toHaveCount(4);
  // Add one back by name.
  await view.getByLabel('Add a task').fill('sweep 05');
  await view.getByRole('option', { name: /sweep 05/ }).click();
  await expect(view.locator('.je-compare-task')).toHaveCount(3);
  await expect(view.locator('.je-chart[data-chart="loss"] .scatterlayer .trace')).toHaveCount(6);
  await expect(page.locator('.jp-MainAreaWidget:visible').first()).toBeVisible();
  // The scatter's points open their task.
  const scatter = view.locator('.je-scatter .je-plot-area[data-rendered="true"]');
  await expect(scatter.locator('.scatterlayer .point')).toHaveCount(3);
  await scatter.locator('.scatterlayer .point').first().click({ force: true });
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toContainText('sweep');
});

test('compare: hyperparameters, plots and debug samples side by side, execution diff', async ({ page }) => {
  const view = await openCompare(page, SEED.sweep.slice(0, 4));
  await view.getByRole('tab', { name: 'Hyperparameters' }).click();
  await expect(view.locator('tr[data-key="General/lr"]')).toHaveClass(/je-differs/);
  await expect(view.locator('tr[data-key="General/batch_size"]')).not.toHaveClass(/je-differs/);

  await view.getByRole('tab', { name: 'Plots' }).click();
  const row = view.locator('[data-plot-row="confusion / validation"]');
  await expect(row.locator('.je-plot-area[data-rendered="true"]')).toHaveCount(4);
  await shot(page, 'compare-03-plots');

  await view.getByRole('tab', { name: 'Debug samples' }).click();
  const samples = view.locator('[data-sample-row="predictions / digit"]');
  await expect(samples.locator('img')).toHaveCount(4);
  await samples.getByLabel('Iteration of predictions / digit').fill('0');
  await expect(samples.locator('figcaption').first()).toContainText('iteration 0');
  await samples.locator('img').first().click();
  const viewer = page.locator('.je-viewer');
  await expect(viewer).toContainText('iteration 0 (1/3)');
  await viewer.getByRole('button', { name: 'Next iteration' }).click();
  await expect(viewer).toContainText('iteration 10 (2/3)');
  // Opened to fit the view: the 48-pixel sample is drawn hundreds of pixels wide; 1:1 and + zoom.
  await expect.poll(() => viewer.locator('img').evaluate(i => (i as HTMLImageElement).width)).toBeGreaterThan(300);
  await viewer.getByRole('button', { name: 'Actual size' }).click();
  await expect(viewer.locator('.je-viewer-zoom')).toHaveText('100%');
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expect(viewer.locator('.je-viewer-zoom')).toHaveText('125%');
  await expect.poll(() => viewer.locator('img').evaluate(i => (i as HTMLImageElement).width)).toBe(60);
  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await shot(page, 'compare-04-sample-viewer');
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await shot(page, 'compare-05-debug-samples');

  await view.getByRole('tab', { name: 'Execution' }).click();
  await expect(view.locator('tr[data-key="commit"]')).toHaveClass(/je-differs/);
  await expect(view.locator('tr[data-key="entry point"]')).toHaveCount(0); // only differences, at first
  await expect(view.locator('[data-packages-of]').first()).toContainText('+ pandas==2.2.0');
  await shot(page, 'compare-06-execution');
  await setTheme(page, true);
  await shot(page, 'compare-07-execution-dark');
  await setTheme(page, false);
});
