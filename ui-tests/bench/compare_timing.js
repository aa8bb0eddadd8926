// Timings of the compare view in Chromium, measured inside the page (performance.now), for
// bench/bench_compare_ui.py. Prints one line: @@UI@@{json}.
//   JE_URL=http://127.0.0.1:PORT JE_TASKS=id,id,... JE_RUNS=5 node compare_timing.js
const path = require('path');
const { chromium } = require('@playwright/test');

const url = process.env.JE_URL;
const ids = (process.env.JE_TASKS || '').split(',');
const runs = Number(process.env.JE_RUNS || '5');

async function ready(page) {
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached', timeout: 120000 });
  await page.waitForFunction(() => window.jupyterapp && window.jupyterapp.commands.hasCommand('jupyter-ext:compare-tasks'));
}

// Open the comparison; resolve with the times (ms from the command) of the first chart's lines
// on screen (the canvas sketch or plotly, whichever is first), of the first plotly chart, and of
// every chart drawn by plotly while the view is scrolled down to each next chart as it comes.
const openCompare = (page, all) =>
  page.evaluate(
    async ([ids, all]) => {
      const app = window.jupyterapp;
      await app.commands.execute('application:close-all');
      const t0 = performance.now();
      await app.commands.execute('jupyter-ext:compare-tasks', { ids });
      const out = {};
      await new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('compare: charts never came: ' + JSON.stringify(out))), 120000);
        const tick = () => {
          const charts = [...document.querySelectorAll('.je-compare-scalars .je-chart')];
          const now = performance.now() - t0;
          if (out.firstLines === undefined && charts.some(c => c.querySelector('[data-sketch="true"], [data-rendered="true"]'))) {
            out.firstLines = now;
          }
          const drawn = charts.filter(c => c.querySelector('.je-plot-area[data-rendered="true"]'));
          if (out.firstChart === undefined && drawn.length) {
            out.firstChart = now;
          }
          if (!all && out.firstChart !== undefined) {
            return resolve();
          }
          if (charts.length && drawn.length === charts.length) {
            out.allCharts = now;
            out.charts = charts.length;
            return resolve();
          }
          const next = charts.find(c => !c.querySelector('.je-plot-area[data-rendered="true"]'));
          next?.scrollIntoView({ block: 'end' });
          requestAnimationFrame(tick);
        };
        tick();
      });
      return out;
    },
    [ids, all]
  );

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.JE_UI_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync']
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // A freshly loaded page: the comparison is opened as soon as the lab is up (plotly may still be
  // loading; the first chart is then a sketch until it is there).
  const fresh = [];
  for (let i = 0; i < Math.max(2, Math.ceil(runs / 2)); i++) {
    await page.goto(`${url}/lab?reset`);
    await ready(page);
    fresh.push(await openCompare(page, false));
  }
  const warm = [];
  for (let i = 0; i < runs + 1; i++) {
    warm.push(await openCompare(page, true));
  }
  await page.screenshot({ path: process.env.JE_SHOT || 'bench-compare.png' });

  // Parallel coordinates of 1,000 tasks (6 parameters and a metric, coloured by the metric, as
  // the view draws more than 100 tasks) with the plotly.js build the extension bundles.
  await page.goto('about:blank');
  await page.setContent('<div id="pc" style="width:1200px;height:360px"></div>');
  await page.addScriptTag({ path: require.resolve('plotly.js-dist-min', { paths: [path.join(__dirname, '..', '..', 'labextension')] }) });
  const parcoords = [];
  for (let i = 0; i < runs + 1; i++) {
    parcoords.push(
      await page.evaluate(async seed => {
        const n = 1000;
        let s = seed + 1;
        const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
        const dims = ['lr', 'depth', 'dropout', 'batch', 'warmup', 'wd'].map(label => ({
          label: `General/${label}`,
          values: Array.from({ length: n }, rnd)
        }));
        const metric = Array.from({ length: n }, rnd);
        dims.push({ label: 'loss/validation (min)', values: metric });
        const el = document.getElementById('pc');
        window.Plotly.purge(el);
        const t0 = performance.now();
        await window.Plotly.newPlot(el, [{ type: 'parcoords', dimensions: dims,
          line: { color: metric, colorscale: 'Viridis', showscale: true } }], { height: 360 });
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
        return performance.now() - t0;
      }, i)
    );
  }
  await browser.close();
  console.log('@@UI@@' + JSON.stringify({ fresh, warm: warm.slice(1), warmCold: warm[0], parcoords: parcoords.slice(1) }));
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
