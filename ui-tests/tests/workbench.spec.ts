import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { api, shot } from './pageHelpers';

/** Ids the seeding script printed (tests/ui/test_ui.py passes them on). */
const SEED: { tasks: string[]; draft: string; model: string; datasets: string[]; pipeline: string } = JSON.parse(
  process.env.JE_SEED || '{"tasks":[]}'
);

test.use({
  autoGoto: true,
  // A link or a restored layout opens views instead of the Launcher: ready is the panel attached.
  waitForApplication: async ({}, use) => {
    await use(async page => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      await page.locator('#jupyter-ext-experiments').waitFor({ state: 'attached' });
    });
  }
});

const table = (page: IJupyterLabPageFixture) => page.locator('.jp-MainAreaWidget:visible .je-workbench');
const rows = (page: IJupyterLabPageFixture) => table(page).locator('.je-task-row');

async function openLink(page: IJupyterLabPageFixture, baseURL: string | undefined, route: string): Promise<void> {
  await page.goto(`${baseURL}/lab?track=${route}`);
}

/** How many tasks the Baseline project shows (other specs may have added some). */
async function baselineCount(page: IJupyterLabPageFixture): Promise<number> {
  return (await api(page, 'tasks?project=UI%20Demo/Baseline&archived=false&parts=false&limit=1')).total as number;
}

async function setTheme(page: IJupyterLabPageFixture, dark: boolean): Promise<void> {
  await page.theme.setTheme(dark ? 'JupyterLab Dark' : 'JupyterLab Light');
}

/** Tasks in every status in project `project`, made through the REST API: {status: id}. */
async function mixedTasks(page: IJupyterLabPageFixture, project: string): Promise<Record<string, string>> {
  const made: Record<string, string> = {};
  const create = async (name: string, status = 'created') =>
    (await api(page, 'tasks', 'POST', { project, name, status, type: 'training' })).id as string;
  made.created = await create('mixed draft');
  made.queued = await create('mixed pending');
  await api(page, `tasks/${made.queued}/enqueue`, 'POST', { queue: 'default' });
  made.in_progress = await create('mixed running', 'in_progress');
  made.completed = await create('mixed completed', 'in_progress');
  await api(page, `tasks/${made.completed}/status`, 'POST', { status: 'completed' });
  made.failed = await create('mixed failed', 'in_progress');
  await api(page, `tasks/${made.failed}/status`, 'POST', { status: 'failed' });
  made.published = await create('mixed published', 'in_progress');
  await api(page, `tasks/${made.published}/status`, 'POST', { status: 'completed' });
  await api(page, `tasks/${made.published}/publish`, 'POST', {});
  return made;
}

test('links open every view and the layout comes back after a reload', async ({ page, baseURL }) => {
  const [first, second] = SEED.tasks;
  await openLink(page, baseURL, `task/${first}/Scalars`);
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toHaveText('baseline lr=0.01');
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view [role="tab"][aria-selected="true"]')).toHaveText('Scalars');
  await openLink(page, baseURL, `compare/${first},${second}`);
  await expect(page.locator('.jp-MainAreaWidget:visible .je-compare')).toBeVisible();
  await openLink(page, baseURL, `model/${SEED.model}`);
  await expect(page.locator('.jp-MainAreaWidget:visible').first()).toContainText('resnet classifier');
  await openLink(page, baseURL, `pipeline/${SEED.pipeline}`);
  await expect(page.locator('.lm-TabBar-tab', { hasText: 'nightly training' })).toBeVisible();
  await openLink(page, baseURL, `dataset/${SEED.datasets[0]}`);
  await expect(page.locator('#jupyter-ext-experiments .je-tab[aria-selected="true"]')).toHaveText('Datasets');
  await openLink(page, baseURL, 'project/UI%20Demo/Baseline');
  await expect(table(page)).toHaveAttribute('data-project-path', 'UI Demo/Baseline');
  const baseline = await baselineCount(page);
  await expect(rows(page)).toHaveCount(baseline);
  // The copy-link button of the table and of a task tab give these exact forms.
  await table(page).locator('[data-action="copy-link"]').click();
  await expect(page.locator('body')).toHaveAttribute('data-je-copied-link', `${baseURL}/lab?track=project/UI%20Demo/Baseline`);
  // In one page: a task (its tab), a comparison, a model and the table; then a plain reload.
  const open = (route: string) =>
    page.evaluate(r => (window as any).galata.app.commands.execute('jupyter-ext:open-link', { route: r }), route);
  await open(`task/${first}/Scalars`);
  await page.locator('.jp-MainAreaWidget:visible .je-copy-link').click();
  await expect(page.locator('body')).toHaveAttribute('data-je-copied-link', `${baseURL}/lab?track=task/${first}/Scalars`);
  await open(`compare/${first},${second}`);
  await open(`model/${SEED.model}`);
  await open('project/UI%20Demo/Baseline');
  await page.waitForTimeout(1500); // the restorer saves the layout after a change settles
  await page.goto(`${baseURL}/lab`);
  for (const label of ['baseline lr=0.01', 'Compare 2 tasks', 'resnet classifier', 'Experiments: Baseline']) {
    await expect(page.locator('.lm-TabBar-tab', { hasText: label }).first()).toBeVisible();
  }
  await page.locator('.lm-TabBar-tab', { hasText: 'Experiments: Baseline' }).click();
  await expect(rows(page)).toHaveCount(baseline);
  // A link naming nothing opens nothing and breaks nothing.
  await openLink(page, baseURL, 'nothing/here');
  await expect(page.locator('#jupyter-ext-experiments')).toHaveCount(1);
});

test('table: server-side sort and filters, column picker, resize and reorder', async ({ page, baseURL }) => {
  await openLink(page, baseURL, 'project/UI%20Demo/Baseline');
  await expect(rows(page)).toHaveCount(await baselineCount(page));
  // The picker lists the metrics (last/min/max) and hyperparameters these tasks report.
  await table(page).locator('[data-popover="columns"]').click();
  const picker = page.locator('[data-popover-panel="columns"]');
  await expect(picker.locator('[data-column-option="metric_min:loss/validation"]')).toBeVisible();
  await expect(picker.locator('[data-column-option="param:General/lr"]')).toBeVisible();
  await picker.locator('[data-column-option="metric_min:loss/validation"]').check();
  await picker.locator('[data-column-option="param:General/lr"]').check();
  await picker.locator('[data-column-option="user"]').uncheck();
  await page.keyboard.press('Escape');
  const header = table(page).locator('.je-header');
  await expect(header.locator('[data-column="metric_min:loss/validation"]')).toBeVisible();
  await expect(header.locator('[data-column="user"]')).toHaveCount(0);
  // Sorted on the server by the metric's minimum, both ways (tasks that never ran have no value: last;
  // the other specs leave a draft and an enqueued clone here).
  const minimum = header.locator('[data-column="metric_min:loss/validation"]');
  await minimum.click();
  await expect(rows(page).first()).toHaveAttribute('data-task-name', 'tuned lr=0.03');
  await expect(rows(page).last().locator('.je-status')).toHaveText(/Draft|Pending/); // never ran: no value
  await minimum.click();
  await expect(rows(page).first()).toHaveAttribute('data-task-name', 'baseline lr=0.01');
  await expect(rows(page).last().locator('.je-status')).toHaveText(/Draft|Pending/); // never ran: no value
  // Filters: status (multi-select), a metric range, tags.
  await table(page).locator('[data-popover="status"]').click();
  await page.locator('[data-popover-panel="status"] [data-option="completed"]').check();
  await page.keyboard.press('Escape');
  await expect(rows(page)).toHaveCount(2);
  await table(page).locator('[data-popover="ranges"]').click();
  await page.getByLabel('Range column').selectOption('metric_min:loss/validation');
  await page.getByLabel('To', { exact: true }).fill('0.06');
  await page.locator('[data-popover-panel="ranges"] .je-primary').click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-task-name', 'tuned lr=0.03');
  await table(page).locator('[data-popover="ranges"]').click();
  await page.locator('[data-popover-panel="ranges"] [aria-label^="Remove"]').click();
  await page.keyboard.press('Escape');
  await expect(rows(page)).toHaveCount(2);
  await table(page).getByLabel('Filter by tag').fill('tuned');
  await table(page).getByLabel('Filter by tag').press('Enter');
  await expect(rows(page)).toHaveCount(1);
  await table(page).getByLabel('Filter by tag').fill('');
  await table(page).getByLabel('Filter by tag').press('Enter');
  // Resize a column by its handle, and drag one header before another.
  const name = header.locator('[data-column="name"]');
  const before = (await name.boundingBox())!.width;
  const handle = (await name.locator('.je-resize').boundingBox())!;
  await page.mouse.move(handle.x + 2, handle.y + 5);
  await page.mouse.down();
  await page.mouse.move(handle.x + 82, handle.y + 5, { steps: 4 });
  await page.mouse.up();
  expect((await name.boundingBox())!.width).toBeGreaterThan(before + 60);
  await header.locator('[data-column="param:General/lr"]').dragTo(header.locator('[data-column="status"]'));
  await expect(header.locator('.je-cell[data-column]').first()).toHaveAttribute('data-column', 'param:General/lr');
  await shot(page, '23-workbench-table');
  await setTheme(page, true);
  await shot(page, '24-workbench-table-dark');
  await setTheme(page, false);
  // Layout, sort and filters survive a reload.
  await page.goto(`${baseURL}/lab`);
  await page.locator('.lm-TabBar-tab', { hasText: 'Experiments: Baseline' }).click();
  await expect(table(page).locator('.je-header .je-cell[data-column]').first()).toHaveAttribute('data-column', 'param:General/lr');
  await expect(rows(page)).toHaveCount(2);
  await expect(table(page).locator('[data-popover="status"]')).toContainText('Completed');
});

test('selection is scoped to what is shown and dialogs name the tasks', async ({ page, baseURL }) => {
  await openLink(page, baseURL, 'project/UI%20Demo/Baseline');
  const baseline = await baselineCount(page);
  await expect(rows(page)).toHaveCount(baseline);
  await rows(page).first().click();
  await rows(page).last().click({ modifiers: ['Shift'] });
  await expect(table(page).locator('.je-task-row.je-selected')).toHaveCount(baseline);
  // Another project: nothing selected, Delete not offered.
  const sidebar = page.locator('#jupyter-ext-experiments');
  await page.sidebar.openTab('jupyter-ext-experiments');
  await sidebar.locator('.je-project[data-project="UI Demo/Queue"]').click();
  await expect(table(page)).toHaveAttribute('data-project-path', 'UI Demo/Queue');
  await expect(table(page).locator('.je-table-footer')).not.toContainText('selected');
  await expect(table(page).locator('[data-action="delete"]')).toBeDisabled();
  // A filter change clears it too.
  await rows(page).first().click();
  await expect(table(page).locator('.je-table-footer')).toContainText('1 selected');
  await table(page).getByLabel('Search tasks').fill('job');
  await expect(table(page).locator('.je-table-footer')).not.toContainText('selected');
  // Select all matching, then the destructive dialog lists every task by name.
  await table(page).getByLabel('Select all matching tasks').click();
  const count = await rows(page).count();
  await expect(table(page).locator('.je-table-footer')).toContainText(`${count} selected`);
  await table(page).locator('[data-action="abort"]').click();
  const dialog = page.locator('.jp-Dialog');
  // the dialog names every selected task the action applies to (one may have ended meanwhile)
  const named = await dialog.locator('.je-dialog-tasks li').count();
  expect(named).toBeGreaterThan(0);
  expect(named).toBeLessThanOrEqual(count);
  await expect(dialog.locator('.je-dialog-tasks')).toContainText('queued job');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('bulk actions and the row menu on mixed statuses', async ({ page, baseURL }) => {
  const made = await mixedTasks(page, 'WB/Mixed');
  await openLink(page, baseURL, 'project/WB/Mixed');
  await expect(rows(page)).toHaveCount(6);
  const button = (a: string) => table(page).locator(`.je-bulk [data-action="${a}"]`);
  const select = async (...statuses: string[]) => {
    await table(page).getByLabel('Select all matching tasks').uncheck().catch(() => undefined);
    await rows(page).first().click();
    await rows(page).first().click({ modifiers: ['Control'] });
    for (const s of statuses) {
      await table(page).locator(`.je-task-row[data-task-id="${made[s]}"]`).click({ modifiers: ['Control'] });
    }
  };
  // A draft alone: no Publish, no Abort, no Reset, no Dequeue; Enqueue yes.
  await select('created');
  for (const a of ['publish', 'abort', 'reset', 'dequeue']) {
    await expect(button(a)).toBeDisabled();
  }
  await expect(button('enqueue')).toBeEnabled();
  // Everything: each action says how many it applies to.
  await table(page).getByLabel('Select all matching tasks').click();
  await expect(table(page).locator('.je-table-footer')).toContainText('6 selected');
  await expect(button('publish')).toHaveText('Publish (1 of 6)');
  await expect(button('abort')).toHaveText('Abort (2 of 6)');
  await expect(button('delete')).toHaveText('Delete (4 of 6)');
  const dialog = page.locator('.jp-Dialog');
  const ok = (label: RegExp) => dialog.getByRole('button', { name: label }).last().click();
  const status = async (id: string) => (await api(page, `tasks/${id}`)).status as string;
  // Publish applies to the completed task only.
  await button('publish').click();
  await expect(dialog.locator('.je-dialog-tasks li')).toHaveText(['mixed completed']);
  await ok(/publish/i);
  await expect.poll(() => status(made.completed)).toBe('published');
  // Right-click a row: the same actions. Dequeue the pending one.
  await table(page).locator(`.je-task-row[data-task-id="${made.queued}"]`).click({ button: 'right' });
  await expect(page.locator('.je-menu [data-menu-action="publish"]')).toBeDisabled();
  await page.locator('.je-menu [data-menu-action="dequeue"]').click();
  await expect.poll(() => status(made.queued)).toBe('created');
  // Abort the running one, reset the failed one.
  await table(page).locator(`.je-task-row[data-task-id="${made.in_progress}"]`).click({ button: 'right' });
  await page.locator('.je-menu [data-menu-action="abort"]').click();
  await ok(/abort/i);
  await expect.poll(() => status(made.in_progress)).toBe('stopped');
  await table(page).locator(`.je-task-row[data-task-id="${made.failed}"]`).click({ button: 'right' });
  await page.locator('.je-menu [data-menu-action="reset"]').click();
  await ok(/reset/i);
  await expect.poll(() => status(made.failed)).toBe('created');
  // Enqueue two drafts into a queue picked by name; dequeue them again.
  await select('created', 'queued');
  await button('enqueue').click();
  await dialog.locator('select, input').first().fill?.('default').catch(() => undefined);
  await ok(/ok|select/i);
  await expect.poll(() => status(made.created)).toBe('queued');
  // The live table re-sorts as the change arrives: select only once both rows show it.
  for (const id of [made.created, made.queued]) {
    await expect(table(page).locator(`.je-task-row[data-task-id="${id}"] .je-status`)).toHaveText('Pending');
  }
  await select('created', 'queued');
  await expect(table(page).locator('.je-task-row.je-selected')).toHaveCount(2);
  await button('dequeue').click();
  await expect.poll(() => status(made.queued)).toBe('created');
  // Tag, untag, clone, archive, restore, move.
  await select('created');
  await button('tag').click();
  await dialog.locator('input').fill('picked');
  await ok(/ok/i);
  await expect.poll(async () => (await api(page, `tasks/${made.created}`)).tags).toEqual(['picked']);
  await button('untag').click();
  await dialog.locator('input').fill('picked');
  await ok(/ok/i);
  await expect.poll(async () => (await api(page, `tasks/${made.created}`)).tags).toEqual([]);
  await button('clone').click();
  await expect(rows(page)).toHaveCount(7);
  await select('created');
  await button('archive').click();
  await expect(rows(page)).toHaveCount(6);
  await table(page).locator('.je-filters .je-check', { hasText: 'Archived' }).locator('input').check();
  await expect(rows(page)).toHaveCount(1);
  await rows(page).first().click();
  await button('restore').click();
  await expect(rows(page)).toHaveCount(0);
  await table(page).locator('.je-filters .je-check', { hasText: 'Archived' }).locator('input').uncheck();
  await select('published');
  await button('move').click();
  await dialog.locator('input, select').first().fill?.('WB/Elsewhere').catch(() => undefined);
  await ok(/ok|select/i);
  await expect.poll(async () => (await api(page, `tasks/${made.published}`)).project_name).toBe('WB/Elsewhere');
  // Delete: the published task is not offered; a server refusal reads as UI words.
  await select('in_progress');
  await table(page).locator(`.je-task-row[data-task-id="${made.in_progress}"]`).click({ button: 'right' });
  await shot(page, '25-workbench-row-menu');
  await page.keyboard.press('Escape');
  await button('delete').click();
  await expect(dialog.locator('.je-dialog-tasks li')).toHaveText(['mixed running']);
  await ok(/delete/i);
  await expect(table(page).locator(`.je-task-row[data-task-id="${made.in_progress}"]`)).toHaveCount(0);
  await expect(table(page).locator('.je-error')).toHaveCount(0);
});

test('project dashboard and home view', async ({ page, baseURL }) => {
  await openLink(page, baseURL, 'dashboard/UI%20Demo/Baseline');
  const dash = page.locator('.jp-MainAreaWidget:visible .je-dashboard');
  await expect(dash.locator('.je-counts')).toHaveAttribute('data-total', String(await baselineCount(page)));
  await expect(dash.locator('[data-status-count="completed"]')).toContainText('2');
  await dash.locator('[data-action="edit-description"]').click();
  await dash.getByLabel('Project description (markdown)').fill('# Baseline runs\nLearning rates **swept** here.');
  await dash.locator('[data-action="save-description"]').click();
  await expect(dash.locator('.je-markdown h1')).toHaveText('Baseline runs');
  await expect(dash.locator('.je-markdown strong')).toHaveText('swept');
  await dash.getByLabel('Metric').selectOption('loss/validation');
  await expect(dash.locator('.je-point')).toHaveCount(2);
  await expect(dash.locator('.je-leaderboard li')).toHaveCount(2);
  await expect(dash.locator('.je-recent li')).toHaveCount(await baselineCount(page));
  await shot(page, '26-workbench-dashboard');
  await setTheme(page, true);
  await shot(page, '27-workbench-dashboard-dark');
  await setTheme(page, false);
  await dash.locator(`[data-point-task="${SEED.tasks[1]}"]`).click();
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toHaveText('tuned lr=0.03');
  // Home: every project, a card per top-level project.
  await openLink(page, baseURL, 'home');
  const home = page.locator('.jp-MainAreaWidget:visible .je-dashboard[data-dashboard="home"]');
  await expect(home.locator('[data-project-card="UI Demo"]')).toBeVisible();
  await expect(home.locator('.je-point').first()).toBeVisible();
  await expect(home.locator('.je-recent li').first()).toBeVisible();
  await shot(page, '28-workbench-home');
});

test('global search with keyboard navigation, and palette entries', async ({ page }) => {
  await page.locator('#jp-main-dock-panel').click({ position: { x: 400, y: 300 } });
  await page.keyboard.press('Control+Alt+K');
  const box = page.locator('.je-search-box');
  await expect(box).toBeVisible();
  await box.getByLabel('Search everything').fill('lr=0.0');
  // the other specs' sweeps match too: at least the two seeded runs
  await expect.poll(() => box.locator('[data-result-kind="task"]').count()).toBeGreaterThanOrEqual(2);
  await box.getByLabel('Search everything').fill('digits');
  await expect(box.locator('[data-result-kind="dataset"]').first()).toBeVisible();
  await box.getByLabel('Search everything').fill('tuned lr');
  await expect(box.locator('.je-search-result').first()).toBeVisible();
  await shot(page, '29-workbench-search');
  await setTheme(page, true);
  await shot(page, '30-workbench-search-dark');
  await setTheme(page, false);
  // Arrow down to the task, Enter opens it.
  const results = box.locator('.je-search-result');
  const taskIndex = await results.evaluateAll(items => items.findIndex(i => i.getAttribute('data-result-kind') === 'task'));
  for (let i = 0; i < taskIndex; i++) {
    await box.getByLabel('Search everything').press('ArrowDown');
  }
  await expect(results.nth(taskIndex)).toHaveAttribute('aria-selected', 'true');
  await box.getByLabel('Search everything').press('Enter');
  await expect(box).toHaveCount(0);
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-view .je-task-name')).toHaveText('tuned lr=0.03');
  // Palette.
  await page.keyboard.press('Control+Shift+C');
  await page.locator('.lm-CommandPalette-input').fill('Experiments Table');
  await expect(page.locator('.lm-CommandPalette-item', { hasText: 'Open Experiments Table' })).toBeVisible();
  await page.locator('.lm-CommandPalette-input').fill('Search Experiments');
  await expect(page.locator('.lm-CommandPalette-item', { hasText: 'Search Experiments' })).toBeVisible();
});
