// Timings of the JupyterLab extension in Chromium, measured inside the page (performance.now),
// for bench/bench_ui.py. Prints one line: @@UI@@{json}.
//   JE_URL=http://127.0.0.1:PORT JE_TASK=<id of the 100-series task> JE_RUNS=5 node timing.js
const { chromium } = require('@playwright/test');

const url = process.env.JE_URL;
const task = process.env.JE_TASK;
const runs = Number(process.env.JE_RUNS || '5');

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.JE_UI_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync']
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${url}/lab?reset`);
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached', timeout: 120000 });
  await page.waitForFunction(() => window.jupyterapp && window.jupyterapp.commands.hasCommand('jupyter-ext:open-task') &&
                                   window.jupyterapp.commands.hasCommand('application:close-all'));
  await page.locator('.jp-SideBar [data-id="jupyter-ext-experiments"]').click();
  await page.waitForSelector('#jupyter-ext-experiments .je-project[data-project="bench/table"]', { timeout: 60000 });

  // Table: click the 10,000-task project; stop when its first rows and its total are painted.
  // Between runs a one-task project is shown, so every run loads the big table anew.
  const selectProject = (project, footerStart) =>
    page.evaluate(
      async ([project, footerStart]) => {
        const panel = document.getElementById('jupyter-ext-experiments');
        const done = () =>
          (panel.querySelector('.je-table-footer')?.textContent || '').startsWith(footerStart) &&
          panel.querySelector('.je-task-row') !== null;
        const t0 = performance.now();
        panel.querySelector(`.je-project[data-project="${project}"]`).click();
        await new Promise((resolve, reject) => {
          if (done()) return resolve();
          const obs = new MutationObserver(() => done() && (obs.disconnect(), resolve()));
          obs.observe(panel, { subtree: true, childList: true, characterData: true });
          setTimeout(() => reject(new Error(`${project}: footer says "${panel.querySelector('.je-table-footer')?.textContent}"`)), 60000);
        });
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); // painted
        return performance.now() - t0;
      },
      [project, footerStart]
    );
  const table = [];
  for (let i = 0; i < runs + 1; i++) {
    await selectProject('bench/other', '1 tasks');
    table.push(await selectProject('bench/table', '10,000 tasks'));
  }
  // Scroll to the middle: how long until real rows (not placeholders) fill the viewport there.
  const scroll = [];
  for (let i = 0; i < runs; i++) {
    scroll.push(
      await page.evaluate(async target => {
        const body = document.querySelector('#jupyter-ext-experiments .je-table-body');
        const t0 = performance.now();
        body.scrollTop = target * 26;
        await new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error('scroll: rows never came')), 60000);
          const check = () => {
            const rows = [...body.querySelectorAll('.je-row')].filter(r => parseFloat(r.style.top) >= target * 26 - 1);
            return rows.length > 5 && rows.slice(0, 5).every(r => r.classList.contains('je-task-row'));
          };
          const tick = () => (check() ? resolve() : requestAnimationFrame(tick));
          tick();
        });
        return performance.now() - t0;
      }, 1000 + i * 1700)
    );
  }

  // Scalars: open the task on its Scalars tab; stop when the first chart is drawn.
  const openScalars = () =>
      page.evaluate(async id => {
        const app = window.jupyterapp;
        await app.commands.execute('application:close-all');
        const t0 = performance.now();
        await app.commands.execute('jupyter-ext:open-task', { id, tab: 'Scalars' });
        await new Promise((resolve, reject) => {
          setTimeout(() => reject(new Error('scalars: no chart after 60 s')), 60000);
          const tick = () =>
            document.querySelector(`.je-task-view[data-task-id="${id}"] .je-plot-area[data-rendered="true"]`)
              ? resolve()
              : requestAnimationFrame(tick);
          tick();
        });
        return performance.now() - t0;
      }, task);
  const scalars = [];
  for (let i = 0; i < runs + 1; i++) {
    scalars.push(await openScalars());
  }
  // The same open after the task reported one more point to each series of its first chart: no
  // cached answer fits any more, so the server reads the 10 M points again (a task that is still
  // training, or one nobody has opened since the server started).
  const touch = i =>
    page.evaluate(
      async ([id, base, iter]) => {
        const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || '';
        const scalars = [];
        for (let s = 0; s < 10; s++) {
          const series = `series ${String(s).padStart(2, '0')}`;
          scalars.push({ title: 'metric 00', series, iter: [iter], value: [s / 10], time: [1.8e9 + iter] });
        }
        const res = await fetch(`${base}track/api/v1/tasks/${id}/events`, {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-XSRFToken': decodeURIComponent(xsrf) },
          body: JSON.stringify({ scalars })
        });
        if (!res.ok) throw new Error(`events: ${res.status} ${await res.text()}`);
      },
      [task, new URL(page.url()).pathname.replace(/lab.*$/, ''), 1000000 + i]
    );
  const scalarsFresh = [];
  for (let i = 0; i < runs; i++) {
    await touch(i);
    scalarsFresh.push(await openScalars());
  }
  const charts = await page.locator('.je-chart').count();
  await page.screenshot({ path: process.env.JE_SHOT || 'bench-scalars.png' });
  await browser.close();
  // The first run of each warms the browser's caches (plotly's chunk among them): dropped.
  console.log('@@UI@@' + JSON.stringify({
    table: table.slice(1), scroll, scalars: scalars.slice(1), scalarsFresh, scalarsCold: scalars[0],
    tableCold: table[0], charts
  }));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
