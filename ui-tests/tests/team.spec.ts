import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

// The lab's settings name a team server (JE_TEAM: its address, Ann's key, what was seeded).
const TEAM = JSON.parse(process.env.JE_TEAM || '{}');
const SHOTS = path.join(__dirname, '..', 'artifacts');
const AUTH = { Authorization: 'Basic ' + Buffer.from(`${TEAM.access}:${TEAM.secret}`).toString('base64') };

test('the panels show the team server: its tasks, live, artifacts, enqueue and sharing as Ann', async ({
  page,
  request
}) => {
  await page.locator('.jp-SideBar [data-id="jupyter-ext-experiments"]').click();
  const panel = page.locator('#jupyter-ext-experiments');
  const chip = panel.locator('.je-where');
  await expect(chip).toContainText('Team server');
  await expect(chip).toContainText(new URL(TEAM.url).host);
  await expect(chip.locator('.je-where-user')).toHaveText('ann');
  const row = panel.locator('.je-task-row[data-task-name="team baseline"]');
  await expect(row).toBeVisible();

  // A task another client makes on the team server shows up through the proxied change feed.
  const made = await request.post(`${TEAM.url}/track/api/v1/tasks`, {
    headers: AUTH,
    data: { name: 'made elsewhere', project: 'Vision' }
  });
  expect(made.status()).toBe(201);
  await expect(panel.locator('.je-task-row[data-task-name="made elsewhere"]')).toBeVisible();
  await chip.screenshot({ path: path.join(SHOTS, 'team-01-status-chip.png') });
  await page.screenshot({ path: path.join(SHOTS, 'team-02-panel.png') });

  // "Mine": Ann's own tasks only (the server stamped the owner).
  await panel.locator('[data-filter="mine"]').check();
  await expect(panel.locator('.je-task-row[data-task-name="bens run"]')).toHaveCount(0);
  await expect(row).toBeVisible();
  await panel.locator('[data-filter="mine"]').uncheck();
  await expect(panel.locator('.je-task-row[data-task-name="bens run"]')).toBeVisible();

  // The artifact downloads through the lab (its bytes come from the team server).
  await row.dblclick();
  const view = page.locator('.jp-MainAreaWidget:visible .je-task-view');
  await view.getByRole('tab', { name: 'Artifacts' }).click();
  const link = view.locator('.je-artifact[data-artifact="notes"] a[download]');
  const href = (await link.getAttribute('href')) ?? '';
  expect(await page.evaluate(async h => (await (await fetch(h)).text()), href)).toBe(TEAM.notes);

  // Clone & enqueue: on the team server, owned by Ann.
  await view.locator('[data-action="enqueue"]').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input, select').first().fill('default').catch(() => dialog.locator('select').selectOption('default'));
  await dialog.getByRole('button', { name: /ok/i }).click();
  await expect(page.locator('.jp-MainAreaWidget:visible .je-task-title .je-status')).toHaveText('Pending');
  const queued = await (await request.get(`${TEAM.url}/track/api/v1/tasks?status=queued`, { headers: AUTH })).json();
  expect(queued.items.map((t: any) => [t.name, t.user])).toEqual([['Clone of team baseline', 'ann']]);

  // Share the project with Ben as a viewer.
  await panel.locator('.je-project[data-project="Vision"]').click();
  await panel.locator('[data-action="share"]').click();
  const share = page.locator('.jp-Dialog .je-share');
  await expect(share.locator('tr[data-principal="user:ann"]')).toBeVisible();
  await share.getByLabel('Share with').fill('user:ben');
  await share.getByRole('button', { name: 'Share' }).click();
  await expect(share.locator('tr[data-principal="user:ben"] select')).toHaveValue('viewer');
  await page.locator('.jp-Dialog-content').screenshot({ path: path.join(SHOTS, 'team-03-share-dialog.png') });
  await page.theme.setDarkTheme();
  await page.locator('.jp-Dialog-content').screenshot({ path: path.join(SHOTS, 'team-04-share-dialog-dark.png') });
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Done' }).click();
  await chip.screenshot({ path: path.join(SHOTS, 'team-05-status-chip-dark.png') });
  await page.screenshot({ path: path.join(SHOTS, 'team-06-panel-dark.png') });
  await page.theme.setLightTheme();
  const access = await (
    await request.get(`${TEAM.url}/track/api/v1/projects/${TEAM.project}/access`, { headers: AUTH })
  ).json();
  expect(access.items.map((g: any) => [g.principal, g.role]).sort()).toEqual([
    ['user:ann', 'admin'],
    ['user:ben', 'viewer']
  ]);
});
