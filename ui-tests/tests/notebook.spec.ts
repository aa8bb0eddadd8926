import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as path from 'path';

import { PROBE_EXPRESSION } from '../../labextension/src/model/notebookPath';

// The notebook face in a real JupyterLab: %track without %load_ext (the server's autoload), the
// live plot widget, and the `jupyter_ext.snapshot` comm (unsaved edits, renames, restarts).
const SHOTS = path.join(__dirname, '..', 'artifacts');
const API = 'track/api/v1/';
const POINTS = 40;

test.use({ autoGoto: true });

/** GET a route of the tracking API with the page's own token (the browser's view of the server). */
async function api(page: IJupyterLabPageFixture, route: string, raw = false): Promise<any> {
  return page.evaluate(
    async ([prefix, r, asText]) => {
      const settings = (window as any).galata.app.serviceManager.serverSettings;
      const res = await fetch(settings.baseUrl + prefix + r, { headers: { Authorization: `token ${settings.token}` } });
      if (!res.ok) {
        throw new Error(`${r}: HTTP ${res.status}`);
      }
      return asText ? res.text() : res.json();
    },
    [API, route, raw] as const
  );
}

async function output(page: IJupyterLabPageFixture, cell: number): Promise<string> {
  return ((await page.notebook.getCellTextOutput(cell)) ?? []).join('');
}

test('notebook: %track by itself, the live plot grows, snapshots have unsaved edits and follow renames', async ({
  page
}) => {
  // A kernel without the target (started outside a notebook session: no autoload) is asked the
  // very question the extension asks, and nothing gets imported into it.
  const probe = await page.evaluate(async expression => {
    const kernels = (window as any).galata.app.serviceManager.kernels;
    const kernel = await kernels.startNew({ name: 'python3' });
    try {
      const reply = await kernel.requestExecute({
        code: '',
        silent: true,
        store_history: false,
        user_expressions: {
          probe: expression,
          imported: "sorted(m for m in __import__('sys').modules if m.startswith('jupyter_ext'))"
        }
      }).done;
      const ue = reply.content.user_expressions;
      return { probe: ue.probe.data['text/plain'], imported: ue.imported.data['text/plain'] };
    } finally {
      await kernel.shutdown();
    }
  }, PROBE_EXPRESSION);
  expect(probe.probe).toMatch(/^'0[0-9a-f]+'$/);
  expect(probe.imported).toBe('[]');

  await page.notebook.createNew('live.ipynb');
  const panel = page.locator('.jp-NotebookPanel:visible');
  // The server's autoload registered the target at kernel start: the comm opens with no cell run.
  await expect(panel).toHaveAttribute('data-je-snapshot', 'open', { timeout: 60000 });

  await page.notebook.setCell(0, 'code', '%track "UI Notebook/live run"');
  await page.notebook.runCell(0, true);
  const started = await output(page, 0);
  expect(started).not.toContain('not found');
  expect(started).toMatch(/jupyter-track: notebook \/.+\/live\.ipynb \[frontend\]/);

  const id = /created new task id=([0-9a-f]{32})/.exec(started)?.[1] as string;
  expect(id).toBeTruthy();

  // Count, in the page, the points of "loss" the widget receives (its anywidget messages on
  // iopub: buffers hold the values, `n` says how many belong to each series).
  await page.evaluate(() => {
    const w = window as any;
    const kernel = w.galata.app.shell.currentWidget.sessionContext.session.kernel;
    const loss = new Set<number>();
    let held = 0;
    w.jePoints = [] as number[];
    kernel.iopubMessage.connect((_: unknown, msg: any) => {
      const data = msg.header.msg_type === 'comm_msg' ? msg.content.data : null;
      const m = data?.method === 'custom' ? data.content : null;
      if (!m || (m.t !== 'append' && m.t !== 'reset')) {
        return;
      }
      for (const s of [...(m.series ?? []), ...(m.new ?? [])]) {
        if (s.title === 'loss') loss.add(s.id);
      }
      if (m.t === 'reset') {
        held = 0;
        for (const s of m.series ?? []) if (loss.has(s.id)) held += s.n;
      } else {
        for (const [sid, n] of m.d ?? []) if (loss.has(sid)) held += n;
      }
      w.jePoints.push(held);
    });
  });
  await page.notebook.addCell(
    'code',
    `import time\nfrom jupyter_ext import Task\ntask = Task.current_task()\ntask.show()\nfor i in range(${POINTS}):\n` +
      `    task.get_logger().report_scalar("loss", "train", 1.0 / (i + 1), i)\n    time.sleep(0.1)`
  );
  await page.notebook.runCell(1, { inplace: true, wait: false });
  const plot = panel.locator('.jupyter-track-live-plot').first();
  await expect(plot).toBeVisible({ timeout: 30000 });
  // The "loss" chart's canvas: its picture, and how many of its pixels are a line's colour.
  const lossChart = () =>
    plot.evaluate(root => {
      const head = [...root.querySelectorAll('div')].find(d => d.textContent === 'loss' && d.nextElementSibling?.tagName === 'CANVAS');
      const c = head?.nextElementSibling as HTMLCanvasElement | undefined;
      if (!c || !c.width) {
        return { url: '', coloured: 0 };
      }
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] > 128 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) coloured++;
      }
      return { url: c.toDataURL(), coloured };
    });
  const received = () => page.evaluate(() => (window as any).jePoints.at(-1) ?? 0);
  await expect.poll(received, { timeout: 30000 }).toBeGreaterThan(0);
  const early = await lossChart();
  const earlyCount = await received();
  await page.notebook.waitForRun(1);
  // Every point reached the page, in several deliveries while the cell ran, and the chart moved.
  await expect.poll(received).toBe(POINTS);
  const counts: number[] = await page.evaluate(() => (window as any).jePoints);
  expect(new Set(counts.filter(n => n > 0 && n < POINTS)).size).toBeGreaterThanOrEqual(2);
  expect(earlyCount).toBeLessThan(POINTS);
  // Polled together: while the widget redraws, its canvas is briefly absent (no picture, no pixels).
  await expect
    .poll(async () => {
      const now = await lossChart();
      return now.url !== '' && now.url !== early.url && now.coloured > 100;
    })
    .toBe(true);
  await plot.screenshot({ path: path.join(SHOTS, '12-live-plot.png') });

  // An edit that is never saved, then a snapshot: the stored notebook has it, the file does not.
  const marker = 'unsaved edit 4b7e';
  await page.notebook.addCell('markdown', `# ${marker}`);
  await page.notebook.addCell('code', '%track snapshot');
  await page.notebook.runCell(3, true);
  expect(await output(page, 3)).toContain('snapshot requested');
  const localPath: string = await page.evaluate(() => (window as any).galata.app.shell.currentWidget.context.localPath);
  let stored = '';
  await expect
    .poll(
      async () => {
        const arts: any[] = (await api(page, `tasks/${id}/artifacts`)).items ?? [];
        const nb = arts.find(a => a.name === 'notebook');
        const sha = nb?.sha256 ?? nb?.blob_sha256;
        stored = sha ? await api(page, `blobs/${sha}`, true) : '';
        return stored.includes(marker);
      },
      { timeout: 30000 }
    )
    .toBe(true);
  const onDisk = await page.evaluate(
    async p => JSON.stringify((await (window as any).galata.app.serviceManager.contents.get(p)).content),
    localPath
  );
  expect(onDisk).not.toContain(marker);

  // Rename from the File menu: the task's recorded path follows.
  await page.menu.clickMenuItem('File>Rename Notebook…');
  await page.locator('.jp-Dialog input').fill('renamed-live.ipynb');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Rename' }).click();
  await expect.poll(async () => (await api(page, `tasks/${id}`)).script?.notebook?.path ?? '', { timeout: 20000 })
    .toMatch(/\/renamed-live\.ipynb$/);
  const script = (await api(page, `tasks/${id}`)).script;
  expect(script.entry_point).toMatch(/\/renamed-live\.ipynb$/);

  // A new kernel for the notebook (Kernel > Change Kernel; a restart takes the same path in the
  // link) drops the comm; the new kernel, autoloaded too, gets it back with the new name.
  await page.evaluate(async () => {
    const w = window as any;
    const widget = w.galata.app.shell.currentWidget;
    w.jeLinkStates = [];
    new MutationObserver(() => w.jeLinkStates.push(widget.node.dataset.jeSnapshot)).observe(widget.node, {
      attributeFilter: ['data-je-snapshot']
    });
    await widget.sessionContext.changeKernel({ name: 'python3' });
  });
  await expect.poll(() => page.evaluate(() => (window as any).jeLinkStates.join(' ')), { timeout: 60000 })
    .toMatch(/closed.* open$/);
  await page.notebook.addCell('code', '%track status');
  await page.notebook.runCell(4, true);
  expect(await output(page, 4)).toContain('nothing tracked');
  await page.notebook.setCell(4, 'code', '%track "UI Notebook/after restart"');
  await page.notebook.runCell(4, true);
  expect(await output(page, 4)).toMatch(/notebook \/.+\/renamed-live\.ipynb \[frontend\]/);
});
