import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { api, shot } from './pageHelpers';

/**
 * A Slurm launcher as the panels show it. The store gets what `jupyter track glue slurm` writes
 * (through the same REST routes a remote launcher uses): a worker whose info and heartbeat stats
 * say it is a launcher and list its jobs, and popped tasks carrying `runtime.glue` and a status
 * message that follows their job.
 */
const LAUNCHER = 'ui-host:glue-slurm-hpc';

test.use({ autoGoto: true });

async function launcherWithJobs(page: IJupyterLabPageFixture): Promise<string[]> {
  await api(page, 'queues', 'POST', { name: 'hpc' }).catch(() => null);
  const ids: string[] = [];
  for (const name of ['resnet50 on 4 GPUs', 'resnet50 lr sweep']) {
    const task = await api(page, 'tasks', 'POST', { project: 'UI tests/launcher', name, type: 'training' });
    await api(page, `tasks/${task.id}/enqueue`, 'POST', { queue: 'hpc' });
    ids.push(task.id);
  }
  await api(page, 'workers', 'POST', {
    id: LAUNCHER,
    queues: ['hpc'],
    info: { host: 'ui-host', pid: 4100, launcher: 'slurm', max_jobs: 20, slurm: { partition: 'gpu', gres: 'gpu:4' } }
  });
  const jobs = [
    { job: '4242', phase: 'running', detail: 'RUNNING', node: 'node-7' },
    { job: '4243', phase: 'pending', detail: 'PENDING (Resources)', node: '' }
  ];
  for (const [i, id] of ids.entries()) {
    const popped = await api(page, 'queues/next', 'POST', { worker: LAUNCHER, queues: ['hpc'] });
    expect(popped.task.id).toBe(id);
    const j = jobs[i];
    await api(page, `tasks/${id}`, 'PATCH', {
      runtime: { glue: { scheduler: 'slurm', job_id: j.job, job_name: `track-${id}`, launcher: LAUNCHER, phase: j.phase } },
      status_message: j.node ? `slurm job ${j.job} ${j.phase} on ${j.node}` : `slurm job ${j.job} ${j.phase} (Resources)`
    });
  }
  await api(page, `workers/${encodeURIComponent(LAUNCHER)}/status`, 'POST', {
    stats: {
      launcher: 'slurm',
      max_jobs: 20,
      jobs_running: 1,
      jobs_pending: 1,
      jobs: jobs.map((j, i) => ({ task: ids[i], job: j.job, phase: j.phase, detail: j.detail }))
    }
  });
  return ids;
}

test('a launcher lists its jobs in Queues & Workers, and a task shows its job', async ({ page }) => {
  const ids = await launcherWithJobs(page);
  await page.sidebar.openTab('jupyter-ext-queues');
  await page.sidebar.setWidth(520, 'left');
  const panel = page.locator('#jupyter-ext-queues');
  await panel.getByRole('tab', { name: 'Queues & Workers' }).click();
  const worker = panel.locator(`.je-worker[data-worker="${LAUNCHER}"]`);
  await expect(worker).toBeVisible();
  const jobs = worker.locator('.je-worker-jobs[data-launcher="slurm"]');
  await expect(jobs).toContainText('slurm: 1 running · 1 pending / 20');
  await expect(jobs.locator('.je-worker-job')).toHaveText(['4242', '4243']);
  expect(await jobs.getAttribute('title')).toContain(`slurm job 4243 pending (PENDING (Resources)) — task ${ids[1]}`);
  await shot(page, 'glue-01-launcher-in-workers');

  await jobs.locator('.je-worker-job[data-job-id="4242"]').click();
  const view = page.locator(`.jp-MainAreaWidget:visible .je-task-view[data-task-id="${ids[0]}"]`);
  await expect(view.locator('.je-task-name')).toBeVisible();
  await view.getByRole('tab', { name: 'Info' }).click();
  await expect(view.locator('tr[data-field="Job"] .je-task-job')).toHaveText('slurm job 4242');
  await expect(view.locator('tr[data-field="Status"]')).toContainText('slurm job 4242 running on node-7');
  await expect(view.locator('tr[data-field="Worker"]')).toContainText(LAUNCHER);
  await shot(page, 'glue-02-task-job');

  await page.theme.setDarkTheme();
  await expect(jobs).toBeVisible();
  await shot(page, 'glue-03-launcher-dark');
  await page.theme.setLightTheme();
});
