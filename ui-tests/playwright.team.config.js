// A JupyterLab whose settings name a team server (tests/ui/test_team_ui.py starts the team server
// and passes its address and a user's key): the panels show the team's store through the proxy.
const base = require('@jupyterlab/galata/lib/playwright-config');

const port = Number(process.env.JE_UI_PORT || '18775');
const jupyter = process.env.JE_UI_JUPYTER || 'jupyter';

module.exports = {
  ...base,
  testDir: './tests',
  testMatch: /team\.spec\.ts/,
  outputDir: './test-results',
  reporter: [['list']],
  workers: 1,
  retries: 0,
  timeout: 180000,
  expect: { timeout: 30000 },
  use: {
    ...base.use,
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1400, height: 900 },
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.JE_UI_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync']
    }
  },
  webServer: [{
    command: `${jupyter} lab --config jupyter_server_test_config.py --port ${port} --ServerApp.base_url=/`,
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 120000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'ignore'
  }]
};
