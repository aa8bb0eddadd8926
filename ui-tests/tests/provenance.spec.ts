import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as path from 'path';

import { api, shot } from './pageHelpers';

/**
 * Notebook provenance in the lab: "show the cell", the snapshot versions stepper, the out-of-order
 * badge, "Open notebook", "Run on queue" (then an agent runs it), and the Notebook view of compare.
 * Two notebook runs are made first in real kernels (seed_notebooks.py, on the lab's own store).
 */
const JUPYTER = process.env.JE_UI_JUPYTER || 'jupyter';
const PYTHON = path.join(path.dirname(JUPYTER), 'python');
let RUNS: { baseline: string; tuned: string } = { baseline: '', tuned: '' };

test.use({ autoGoto: true });
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  const out = execFileSync(PYTHON, [path.join(__dirname, '..', 'seed_notebooks.py')], {
    encoding: 'utf-8',
    timeout: 600000
  });
  RUNS = JSON.parse(out.trim().split('\n').pop() as string);
});

async function openTask(page: IJupyterLabPageFixture, id: string, tab: string): Promise<void> {
  await page.evaluate(
    ([i, t]) => (window as any).galata.app.commands.execute('jupyter-ext:open-task', { id: i, tab: t }),
    [id, tab]
  );
  await expect(page.locator(`.jp-MainAreaWidget:visible .je-task-view[data-task-id="${id}"]`)).toBeVisible();
}

function view(page: IJupyterLabPageFixture, id: string) {
  return page.locator(`.jp-MainAreaWidget:visible .je-task-view[data-task-id="${id}"]`);
}

test('each result shows the cell that made it, in the snapshot', async ({ page }) => {
  await openTask(page, RUNS.tuned, 'Scalars');
  const v = view(page, RUNS.tuned);
  // The badge: the run went back up the notebook.
  await expect(v.locator('.je-task-header [data-warning="history"]')).toContainText('cells ran out of order');
  const show = v.locator('.je-chart[data-chart="loss"] [data-action="show-cell"]');
  await expect(show).toBeVisible();
  await expect(show).toHaveText('show the cell [8]'); // the last report of loss came from the re-run
  await show.click();
  await expect(v.getByRole('tab', { name: 'Notebook' })).toHaveAttribute('aria-selected', 'true');
  const frame = v.frameLocator('.je-notebook-frame');
  const focused = frame.locator('.jp-Cell.je-focus');
  await expect(focused).toContainText('report_scalar');
  await expect(focused.locator('.je-reported')).toContainText('scalar loss / train');
  // The history table flags the execution that went back.
  await expect(v.locator('.je-cell-runs tr[data-seq="6"]')).toHaveClass(/je-flagged/);
  await expect(v.locator('.je-cell-runs tr[data-seq="6"]')).toContainText('out of order');
  await shot(page, 'prov-01-show-cell');

  // The other kinds: a plot, a debug sample, an artifact each point at their cell.
  await v.getByRole('tab', { name: 'Plots' }).click();
  await v.locator('.je-chart[data-plot="ROC"] [data-action="show-cell"]').click();
  await expect(frame.locator('.jp-Cell.je-focus')).toContainText('report_plotly');
  await v.getByRole('tab', { name: 'Artifacts' }).click();
  await v.locator('.je-artifact[data-artifact="summary"] [data-action="show-cell"]').click();
  await expect(frame.locator('.jp-Cell.je-focus')).toContainText('upload_artifact');
  await expect(frame.locator('.jp-Cell.je-focus .je-reported')).toContainText('artifact summary');
});

test('the task view steps through the snapshot versions', async ({ page }) => {
  await openTask(page, RUNS.tuned, 'Notebook');
  const v = view(page, RUNS.tuned);
  await expect(v.locator('.je-version')).toHaveText('Version 2 of 2');
  await expect(v.locator('[data-action="next-version"]')).toBeDisabled();
  await v.locator('[data-action="prev-version"]').click();
  await expect(v.locator('.je-version')).toHaveText('Version 1 of 2');
  await expect(v.locator('.je-stepper')).toContainText('6 of 7 cells ran');
  await v.locator('[data-action="next-version"]').click();
  await expect(v.locator('.je-stepper')).toContainText('7 of 7 cells ran');
  await shot(page, 'prov-02-versions');
});

test('open the notebook, edit a parameter, run it on a queue: the agent uses the edited value', async ({ page }) => {
  await openTask(page, RUNS.baseline, 'Info');
  const v = view(page, RUNS.baseline);
  const started = Date.now();
  await v.locator('[data-action="open-notebook"]').click();
  const panel = page.locator('.jp-NotebookPanel:visible');
  await expect(panel.locator('.jp-Cell').nth(2)).toContainText('# Parameters');
  console.log(`open notebook: ${Date.now() - started} ms from the click to the injected cell on screen`);
  await expect(panel.locator('.jp-Cell').nth(2)).toContainText('lr = 0.1');
  await expect(panel.locator('.jp-OutputArea-output', { hasText: 'final loss' })).toBeVisible(); // outputs kept
  await shot(page, 'prov-03-open-notebook');
  // Once the lab has opened a notebook (its editors loaded), opening another is what a user waits for.
  await openTask(page, RUNS.tuned, 'Info');
  const again = Date.now();
  await view(page, RUNS.tuned).locator('[data-action="open-notebook"]').click();
  await expect(page.locator('.jp-NotebookPanel:visible .jp-Cell').nth(2)).toContainText('lr = 0.3');
  console.log(`open notebook again: ${Date.now() - again} ms from the click to the injected cell on screen`);

  await api(page, 'queues', 'POST', { name: 'notebook-reruns' });
  await openTask(page, RUNS.baseline, 'Info');
  await v.locator('[data-action="run-on-queue"]').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="queue"]').fill('notebook-reruns');
  await dialog.locator('input[data-param="lr"]').fill('0.5');
  await shot(page, 'prov-04-run-on-queue');
  await dialog.getByRole('button', { name: 'Enqueue' }).click();
  const clone = page.locator('.jp-MainAreaWidget:visible .je-task-view');
  await expect(clone.locator('.je-task-name')).toHaveText('baseline (rerun)');
  const cloneId = (await clone.getAttribute('data-task-id')) as string;
  const params = await api(page, `tasks/${cloneId}/parameters`);
  const lr = (params.items ?? params.parameters).find((p: any) => p.section === 'Notebook' && p.name === 'lr');
  expect(lr.value).toBe(0.5);

  execFileSync(JUPYTER, ['track', 'agent', 'execute', '--id', cloneId], { encoding: 'utf-8', timeout: 300000 });
  const task = await api(page, `tasks/${cloneId}`);
  expect(task.status).toBe('completed');
  const console_ = await api(page, `tasks/${cloneId}/console?search=final%20loss`);
  expect(console_.items.map((l: any) => l.text).join('')).toContain(`final loss ${Math.exp(-19 * 0.5).toFixed(4)}`);
});

test('compare shows the two notebooks diffed, the parameters cell highlighted', async ({ page }) => {
  const started = Date.now();
  await page.evaluate(
    ids => (window as any).galata.app.commands.execute('jupyter-ext:compare-tasks', { ids }),
    [RUNS.baseline, RUNS.tuned]
  );
  const compare = page.locator('.jp-MainAreaWidget:visible .je-compare');
  await compare.getByRole('tab', { name: 'Notebook' }).click();
  const diff = compare.locator('.je-nbdiff');
  await expect(diff.locator('.je-nbdiff-row').first()).toBeVisible();
  console.log(`notebook diff: ${Date.now() - started} ms from opening compare to the first row`);
  const params = diff.locator('.je-nbdiff-row[data-parameters="true"]');
  await expect(params).toHaveAttribute('data-status', 'modified');
  await expect(params.locator('.je-del')).toContainText('lr = 0.1');
  await expect(params.locator('.je-add')).toContainText('lr = 0.3');
  const training = diff.locator('.je-nbdiff-row', { hasText: 'report_scalar' });
  await expect(training.locator('[data-outputs="changed"] .je-add')).toContainText('final loss');
  await expect(diff.locator('.je-nbdiff-row[data-status="modified"]')).toHaveCount(5); // timings are not changes
  await shot(page, 'prov-05-compare-notebook');
});

test('5 MB notebooks of 200 cells: the diff and "Open notebook" (timings printed)', async ({ page }) => {
  test.setTimeout(900000);
  const out = execFileSync(PYTHON, [path.join(__dirname, '..', 'seed_big_notebooks.py')], { encoding: 'utf-8' });
  const big: { a: string; b: string } = JSON.parse(out.trim().split('\n').pop() as string);
  const runs = Number(process.env.JE_PROV_RUNS || '1');
  for (let i = 0; i < runs; i++) {
    await page.evaluate(
      ids => (window as any).galata.app.commands.execute('jupyter-ext:compare-tasks', { ids }),
      [big.a, big.b]
    );
    const compare = page.locator('.jp-MainAreaWidget:visible .je-compare');
    await expect(compare.getByRole('tab', { name: 'Notebook' })).toBeVisible();
    const clicked = Date.now();
    await compare.getByRole('tab', { name: 'Notebook' }).click();
    await expect(compare.locator('.je-nbdiff-row').first()).toBeVisible({ timeout: 60000 });
    console.log(`@@BENCH@@${JSON.stringify({ diff_first_paint: (Date.now() - clicked) / 1000 })}`);
    await expect(compare.locator('.je-nbdiff-row[data-status="modified"]')).toHaveCount(20);
    if (i === 0) {
      await shot(page, 'prov-08-compare-5mb');
    }
    await page.evaluate(() => (window as any).galata.app.shell.currentWidget?.dispose()); // no "save?" question

    await openTask(page, big.b, 'Info');
    const opened = Date.now();
    await view(page, big.b).locator('[data-action="open-notebook"]').click();
    await expect(page.locator('.jp-NotebookPanel:visible .jp-Cell').nth(1)).toContainText('# Parameters', {
      timeout: 60000
    });
    console.log(`@@BENCH@@${JSON.stringify({ open_notebook: (Date.now() - opened) / 1000 })}`);
    await page.evaluate(() => (window as any).galata.app.shell.currentWidget?.dispose()); // no "save?" question
  }
});

test('dark theme: the notebook views follow JupyterLab\'s colours', async ({ page }) => {
  await page.theme.setDarkTheme();
  await openTask(page, RUNS.tuned, 'Notebook');
  await expect(view(page, RUNS.tuned).locator('.je-version')).toHaveText('Version 2 of 2');
  await shot(page, 'prov-06-notebook-dark');
  await page.evaluate(
    ids => (window as any).galata.app.commands.execute('jupyter-ext:compare-tasks', { ids }),
    [RUNS.baseline, RUNS.tuned]
  );
  const compare = page.locator('.jp-MainAreaWidget:visible .je-compare');
  await compare.getByRole('tab', { name: 'Notebook' }).click();
  await expect(compare.locator('.je-nbdiff-row').first()).toBeVisible();
  await shot(page, 'prov-07-compare-notebook-dark');
  await page.theme.setLightTheme();
});
