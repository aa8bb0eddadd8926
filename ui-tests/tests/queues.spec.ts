import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { api, shot } from './pageHelpers';

/** Ids the seeding script printed: queued drafts, the worker and its task, the pipeline run. */
const SEED: {
  tasks: string[];
  queued: string[];
  gpu_job: string;
  worker: string;
  pipeline: string;
  steps: Record<string, string>;
} = JSON.parse(process.env.JE_SEED || '{"tasks":[],"queued":[],"steps":{}}');

test.use({ autoGoto: true });
// One store for the whole file: each test starts from where the one before left the queues.
test.describe.configure({ mode: 'serial' });

/** The worker says it is alive and runs `gpu job` (its seeded heartbeat may be older than 60 s). */
async function heartbeat(page: IJupyterLabPageFixture): Promise<void> {
  await api(page, `workers/${encodeURIComponent(SEED.worker)}/status`, 'POST', { task: SEED.gpu_job, stats: { cpu_percent: 40 } });
}

async function openQueues(page: IJupyterLabPageFixture): Promise<void> {
  await page.sidebar.openTab('jupyter-ext-queues');
  await page.sidebar.setWidth(520, 'left');
  const panel = page.locator('#jupyter-ext-queues');
  await panel.getByRole('tab', { name: 'Queues & Workers' }).click();
  await expect(panel.locator('.je-queue[data-queue="default"]')).toBeVisible();
}

function queue(page: IJupyterLabPageFixture, name: string) {
  return page.locator(`#jupyter-ext-queues .je-queue[data-queue="${name}"]`);
}

/** Names of a queue's entries, top first, as the panel shows them. */
function shown(page: IJupyterLabPageFixture, name: string): Promise<string[]> {
  return queue(page, name)
    .locator('.je-entry')
    .evaluateAll(rows => rows.map(r => r.getAttribute('data-task-name') ?? ''));
}

/** Names of a queue's entries as the server stores them. */
async function stored(page: IJupyterLabPageFixture, name: string): Promise<string[]> {
  const q = await api(page, `queues/${name}`);
  return q.entries.map((e: any) => e.name);
}

async function openTaskById(page: IJupyterLabPageFixture, id: string): Promise<void> {
  await page.evaluate(taskId => (window as any).galata.app.commands.execute('jupyter-ext:open-task', { id: taskId }), id);
  await expect(page.locator(`.jp-MainAreaWidget:visible .je-task-view[data-task-id="${id}"] .je-task-name`)).toBeVisible();
}

function mainView(page: IJupyterLabPageFixture) {
  return page.locator('.jp-MainAreaWidget:visible .je-task-view');
}

async function confirmDialog(page: IJupyterLabPageFixture, label: RegExp): Promise<void> {
  await page.locator('.jp-Dialog').getByRole('button', { name: label }).click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
}

test('the Queues panel lists each queue in order and the worker with the task it runs', async ({ page }) => {
  await heartbeat(page);
  await openQueues(page);
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 1', 'queued job 2', 'queued job 3']);
  const first = queue(page, 'default').locator('.je-entry').first();
  await expect(first).toContainText('UI Demo/Queue');
  await expect(first.locator('.je-status')).toHaveText('Pending');
  await expect(first).toContainText(/queued [\dhms ]+ ago/);
  await expect(queue(page, 'gpu').locator('.je-queue-head')).toContainText('0 queued · 1 worker');
  const worker = page.locator(`#jupyter-ext-queues .je-worker[data-worker="${SEED.worker}"]`);
  await expect(worker).toHaveAttribute('data-state', 'running');
  await expect(worker).toContainText('default, gpu');
  await expect(worker.locator('.je-worker-task')).toHaveText(/gpu job/);
  // The worker's task opens in the main area; Info names the queue and the worker.
  await worker.locator('.je-worker-task').click();
  const view = mainView(page);
  await expect(view.locator('.je-task-name')).toHaveText('gpu job');
  await expect(view.locator('.je-kv')).toContainText(SEED.worker);
  await expect(view.locator('.je-kv tr[data-field="Queue"]')).toContainText('gpu');
  await shot(page, '13-queues-panel');
  await page.theme.setDarkTheme();
  const bg = await page.locator('#jupyter-ext-queues').evaluate(el => getComputedStyle(el).backgroundColor);
  expect(bg).not.toBe('rgb(255, 255, 255)');
  await shot(page, '20-queues-dark');
  await page.theme.setLightTheme();
});

test('reorder a queue and move an entry to another queue', async ({ page }) => {
  await openQueues(page);
  const row = (name: string) => queue(page, 'default').locator(`.je-entry[data-task-name="${name}"]`);
  // A move made elsewhere (another user, the CLI) shows without a reload: the change feed.
  await api(page, `queues/default/entries/${SEED.queued[0]}/move`, 'POST', { position: 'bottom' });
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 2', 'queued job 3', 'queued job 1']);
  await api(page, `queues/default/entries/${SEED.queued[0]}/move`, 'POST', { position: 'top' });
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 1', 'queued job 2', 'queued job 3']);
  await row('queued job 3').locator('[data-action="top"]').click();
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 3', 'queued job 1', 'queued job 2']);
  await expect.poll(() => stored(page, 'default')).toEqual(['queued job 3', 'queued job 1', 'queued job 2']);
  await row('queued job 3').locator('[data-action="down"]').click();
  await expect.poll(() => stored(page, 'default')).toEqual(['queued job 1', 'queued job 3', 'queued job 2']);
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 1', 'queued job 3', 'queued job 2']);
  // The ends cannot move further.
  await expect(row('queued job 1').locator('[data-action="up"]')).toBeDisabled();
  await expect(row('queued job 2').locator('[data-action="bottom"]')).toBeDisabled();
  // Drag and drop: job 2 dropped on job 1 takes its place.
  await row('queued job 2').dragTo(row('queued job 1'));
  await expect.poll(() => stored(page, 'default')).toEqual(['queued job 2', 'queued job 1', 'queued job 3']);
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 2', 'queued job 1', 'queued job 3']);
  await row('queued job 2').getByLabel('Move to queue').selectOption('gpu');
  await expect.poll(() => shown(page, 'gpu')).toEqual(['queued job 2']);
  await expect.poll(() => stored(page, 'gpu')).toEqual(['queued job 2']);
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 1', 'queued job 3']);
  await shot(page, '14-queue-reorder');
  // A queue is created and, empty, deleted again.
  await page.locator('#jupyter-ext-queues [data-action="new-queue"]').click();
  await page.locator('.jp-Dialog input').fill('cpu');
  await confirmDialog(page, /ok/i);
  await expect(queue(page, 'cpu')).toBeVisible();
  expect((await api(page, 'queues/cpu')).name).toBe('cpu');
  await queue(page, 'cpu').locator('[data-action="delete-queue"]').click();
  await confirmDialog(page, /delete/i);
  await expect(queue(page, 'cpu')).toHaveCount(0);
});

test('a finished task is cloned and enqueued from its view, and shows up in the queue', async ({ page }) => {
  await openTaskById(page, SEED.tasks[0]);
  const enqueue = mainView(page).locator('[data-action="enqueue"]');
  await expect(enqueue).toHaveText('Clone & enqueue');
  await enqueue.click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Queue');
  await dialog.locator('input, select').first().fill('default').catch(() => dialog.locator('select').selectOption('default'));
  await confirmDialog(page, /ok/i);
  const view = mainView(page);
  await expect(view.locator('.je-task-name')).toHaveText('Clone of baseline lr=0.01');
  await expect(view.locator('.je-task-title .je-status')).toHaveText('Pending');
  await expect(view.locator('.je-kv tr[data-field="Queue"]')).toContainText('default');
  await expect(view.locator('[data-action="dequeue"]')).toBeVisible();
  await expect(view.locator('[data-action="abort"]')).toBeVisible();
  await openQueues(page);
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 1', 'queued job 3', 'Clone of baseline lr=0.01']);
  await shot(page, '15-enqueue-clone');
  // Dequeue puts the clone back to draft; a draft is enqueued as it is, here to `gpu`.
  await view.locator('[data-action="dequeue"]').click();
  await expect(view.locator('.je-task-title .je-status')).toHaveText('Draft');
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 1', 'queued job 3']);
  await expect(view.locator('[data-action="enqueue"]')).toHaveText('Enqueue');
  await view.locator('[data-action="enqueue"]').click();
  await dialog.locator('input, select').first().fill('gpu').catch(() => dialog.locator('select').selectOption('gpu'));
  await confirmDialog(page, /ok/i);
  await expect(view.locator('.je-task-title .je-status')).toHaveText('Pending');
  await expect.poll(() => shown(page, 'gpu')).toEqual(['queued job 2', 'Clone of baseline lr=0.01']);
});

test('abort a queued task from the panel and a running one from its view', async ({ page }) => {
  await heartbeat(page);
  await openQueues(page);
  await queue(page, 'default').locator('.je-entry[data-task-name="queued job 1"] [data-action="abort"]').click();
  await confirmDialog(page, /abort/i);
  await expect.poll(() => shown(page, 'default')).toEqual(['queued job 3']);
  const aborted = await api(page, `tasks/${SEED.queued[0]}`);
  expect(aborted.status).toBe('stopped');
  expect(aborted.status_reason).toContain('aborted while queued');
  // The running task of a live worker: the worker is asked to stop it.
  await openTaskById(page, SEED.gpu_job);
  const view = mainView(page);
  await view.locator('[data-action="abort"]').click();
  await confirmDialog(page, /abort/i);
  await expect(view.locator('.je-kv tr[data-field="Status"]')).toContainText('stopping');
  const answer = await api(page, `workers/${encodeURIComponent(SEED.worker)}/status`, 'POST', { task: SEED.gpu_job, stats: {} });
  expect(answer.abort).toBe(true);
  await shot(page, '16-abort');
});

test('a pipeline run opens as a DAG with live step statuses', async ({ page }) => {
  await page.sidebar.openTab('jupyter-ext-queues');
  await page.sidebar.setWidth(420, 'left');
  const panel = page.locator('#jupyter-ext-queues');
  await panel.getByRole('tab', { name: 'Pipelines' }).click();
  const run = panel.locator('.je-pipeline-run[data-pipeline="nightly training"]');
  await expect(run).toContainText('3/6 steps');
  await expect(run.locator('.je-status')).toHaveText('Running');
  await shot(page, '17-pipelines-panel');
  await run.click();
  const dag = page.locator('.jp-MainAreaWidget:visible .je-pipeline-view');
  const step = (name: string) => dag.locator(`.je-dag-node[data-step="${name}"]`);
  await expect(dag.locator('.je-dag-node')).toHaveCount(6);
  await expect(dag.locator('.je-dag-edge')).toHaveCount(7);
  await expect(step('prepare_data')).toHaveAttribute('data-status', 'completed');
  await expect(step('train_large')).toHaveAttribute('data-status', 'in_progress');
  await expect(step('train_huge')).toHaveAttribute('data-status', 'failed');
  await expect(step('evaluate')).toHaveAttribute('data-status', 'pending');
  await expect(step('prepare_data')).toContainText(/Completed · \d+s/);
  // Levels left to right: data, then the three trainings in one column, then evaluate, report.
  const x = async (name: string) => (await step(name).boundingBox())!.x;
  expect(await x('prepare_data')).toBeLessThan(await x('train_small'));
  expect(await x('train_small')).toBe(await x('train_huge'));
  expect(await x('train_large')).toBeLessThan(await x('evaluate'));
  expect(await x('evaluate')).toBeLessThan(await x('report'));
  await page.sidebar.close('left');
  await shot(page, '18-pipeline-dag');
  // Live: a step finishing elsewhere shows without a reload.
  await api(page, `tasks/${SEED.steps.train_large}/status`, 'POST', { status: 'completed' });
  await expect(step('train_large')).toHaveAttribute('data-status', 'completed', { timeout: 30000 });
  await page.theme.setDarkTheme();
  await expect(step('train_large')).toBeVisible();
  await shot(page, '19-pipeline-dark');
  await page.theme.setLightTheme();
  // A node opens its step's task.
  await step('train_small').click();
  await expect(mainView(page).locator('.je-task-name')).toHaveText('train_small');
  // The run-level abort stops the run.
  await page.evaluate(id => (window as any).galata.app.commands.execute('jupyter-ext:open-pipeline', { id }), SEED.pipeline);
  await dag.locator('[data-action="abort-pipeline"]').click();
  await confirmDialog(page, /abort/i);
  await expect(dag.locator('.je-task-title .je-status')).toHaveText('Aborted');
  expect((await api(page, `tasks/${SEED.pipeline}`)).status).toBe('stopped');
});
