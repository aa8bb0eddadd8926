// Timings of the experiments table in the main area on 100,000 tasks, inside Chromium, for
// bench/bench_workbench_ui.py. Prints one line: @@UI@@{json}.
//   JE_URL=http://127.0.0.1:PORT JE_RUNS=5 node workbench_timing.js
const { chromium } = require('@playwright/test');

const url = process.env.JE_URL;
const runs = Number(process.env.JE_RUNS || '5');
const TOTAL = '100,000 tasks';

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.JE_UI_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync']
  });
  // Cold load: a new browser context (no cache, no workspace) per run, from navigation start to
  // the first row of the table opened by the link.
  const cold = [];
  for (let i = 0; i < runs + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${url}/lab/workspaces/bench${i}?track=project/bench/big`);
    await page.waitForSelector('.je-workbench .je-task-row', { timeout: 120000 });
    cold.push(await page.evaluate(() => performance.now() - 0));
    await context.close();
  }
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${url}/lab/workspaces/benchwarm?track=project/bench/big`);
  await page.waitForSelector('.je-workbench .je-task-row', { timeout: 120000 });
  // The table with its 10 metric columns (the state a reload brings back).
  await page.evaluate(() => {
    const metrics = Array.from({ length: 10 }, (_, m) => `metric:m${m}/val`);
    localStorage.setItem('jupyter-ext:table-state', JSON.stringify({
      project: 'bench/big', sort: { field: 'last_update', desc: true }, widths: {},
      filters: { status: [], type: [], tag: [], search: '', archived: false }, layout: ['status', 'name', ...metrics]
    }));
  });
  await page.goto(`${url}/lab/workspaces/benchwarm?track=project/bench/big`);
  await page.waitForSelector('.je-workbench .je-header [data-column="metric:m3/val"]', { timeout: 120000 });
  await page.waitForSelector('.je-workbench .je-task-row', { timeout: 120000 });
  const timed = (fn, arg) => page.evaluate(fn, arg);
  // Open the project: select it in the tree (another one shown in between), until its first
  // rows and total are painted in the table.
  const open = [];
  await page.locator('.jp-SideBar [data-id="jupyter-ext-experiments"]').click();
  for (let i = 0; i < runs + 1; i++) {
    await page.locator('#jupyter-ext-experiments .je-project[data-project="bench/other"]').click();
    await page.waitForFunction(() => (document.querySelector('.je-workbench .je-table-footer')?.textContent || '').startsWith('1 tasks'));
    open.push(await timed(async total => {
      const t0 = performance.now();
      document.querySelector('#jupyter-ext-experiments .je-project[data-project="bench/big"]').click();
      await new Promise(resolve => {
        const done = () => (document.querySelector('.je-workbench .je-table-footer')?.textContent || '').startsWith(total) &&
          document.querySelector('.je-workbench .je-task-row');
        if (done()) return resolve();
        const obs = new MutationObserver(() => done() && (obs.disconnect(), resolve()));
        obs.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }, TOTAL));
  }
  // Sort by a metric column: click its header until the first row changes and is painted.
  const sort = [];
  for (let i = 0; i < runs + 1; i++) {
    sort.push(await timed(async () => {
      const first = () => document.querySelector('.je-workbench .je-task-row')?.getAttribute('data-task-id');
      const before = first();
      const t0 = performance.now();
      document.querySelector('.je-workbench .je-header [data-column="metric:m3/val"]').click();
      await new Promise(resolve => {
        const obs = new MutationObserver(() => first() && first() !== before && (obs.disconnect(), resolve()));
        obs.observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }));
  }
  // Scroll to the end: until the last row (not a placeholder) is painted.
  const end = [];
  for (let i = 0; i < runs + 1; i++) {
    end.push(await timed(async () => {
      const body = document.querySelector('.je-workbench .je-table-body');
      body.scrollTop = 0;
      await new Promise(r => setTimeout(r, 300));
      const t0 = performance.now();
      body.scrollTop = body.scrollHeight;
      await new Promise(resolve => {
        const done = () => {
          const rows = [...document.querySelectorAll('.je-workbench .je-row.je-task-row')];
          return rows.length && body.querySelectorAll('.je-loading').length === 0 &&
            Number(rows[rows.length - 1].style.top.replace('px', '')) >= (100000 - 40) * 26;
        };
        if (done()) return resolve();
        const obs = new MutationObserver(() => done() && (obs.disconnect(), resolve()));
        obs.observe(body, { subtree: true, childList: true, attributes: true });
      });
      await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }));
  }
  await browser.close();
  // The first of each is a warm-up (the server's and the browser's caches).
  console.log('@@UI@@' + JSON.stringify({ cold: cold.slice(1), open: open.slice(1), sort: sort.slice(1), end: end.slice(1) }));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
