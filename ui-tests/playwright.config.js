// Galata drives the Debian Chromium (/usr/bin/chromium); no browser is downloaded.
// Two JupyterLabs on the same seeded store: one at "/" for the Galata suite (Galata's own helpers
// assume it), one under a JupyterHub-like base URL for the plain Playwright checks of hub.spec.ts.
const base = require('@jupyterlab/galata/lib/playwright-config');

const port = Number(process.env.JE_UI_PORT || '18765');
const hubPort = Number(process.env.JE_UI_HUB_PORT || String(port + 1));
const nbPort = Number(process.env.JE_UI_NB_PORT || String(port + 2));
const hubBase = process.env.JE_UI_BASE_URL || '/user/tester/';
const jupyter = process.env.JE_UI_JUPYTER || 'jupyter';
const origin = `http://127.0.0.1:${port}`;
const hubOrigin = `http://127.0.0.1:${hubPort}${hubBase.replace(/\/$/, '')}`;
const nbOrigin = `http://127.0.0.1:${nbPort}`;

const launchOptions = {
  executablePath: process.env.JE_UI_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']
};
const server = (p, baseUrl, app = 'lab', page = 'lab') => ({
  command: `${jupyter} ${app} --config jupyter_server_test_config.py --port ${p} --ServerApp.base_url=${baseUrl}`,
  url: `http://127.0.0.1:${p}${baseUrl}${page}`,
  timeout: 120000,
  reuseExistingServer: false,
  stdout: 'ignore',
  stderr: 'ignore'
});

module.exports = {
  ...base,
  testDir: './tests',
  outputDir: './test-results',
  reporter: [['list']],
  workers: 1,
  retries: 0,
  timeout: 120000,
  expect: { timeout: 20000 },
  use: {
    ...base.use,
    viewport: { width: 1400, height: 900 },
    video: 'off', // needs Playwright's own ffmpeg download
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions
  },
  projects: [
    { name: 'lab', testMatch: /(experiments|notebook|queues|models|glue|workbench|compare|pages|provenance)\.spec\.ts/, use: { baseURL: origin } },
    { name: 'hub', testMatch: /hub\.spec\.ts/, use: { baseURL: hubOrigin } },
    { name: 'notebook7', testMatch: /notebook7\.spec\.ts/, use: { baseURL: nbOrigin } }
  ],
  webServer: [server(port, '/'), server(hubPort, hubBase), server(nbPort, '/', 'notebook', 'tree')]
};
