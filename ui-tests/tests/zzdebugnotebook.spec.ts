import { expect, test } from '@jupyterlab/galata';
import { PROBE_EXPRESSION } from '../../labextension/src/model/notebookPath';
test.use({ autoGoto: true });
test('debug restart', async ({ page }) => {
  await page.notebook.createNew('dbg.ipynb');
  const panel = page.locator('.jp-NotebookPanel:visible');
  await expect(panel).toHaveAttribute('data-je-snapshot', 'open', { timeout: 60000 });
  await page.evaluate(() => {
    const w = window as any;
    const widget = w.galata.app.shell.currentWidget;
    w.jeLog = [];
    widget.sessionContext.statusChanged.connect((_: any, s: string) => w.jeLog.push('st:' + s + ':' + widget.sessionContext.session.kernel.connectionStatus + ':' + widget.node.dataset.jeSnapshot));
    widget.sessionContext.session.kernel.connectionStatusChanged.connect((_: any, s: string) => w.jeLog.push('conn:' + s));
  });
  await page.menu.clickMenuItem('Kernel>Restart Kernel…');
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await page.waitForTimeout(8000);
  const info = await page.evaluate(async expr => {
    const w = window as any;
    const k = w.galata.app.shell.currentWidget.sessionContext.session.kernel;
    const r = await k.requestExecute({ code: '', silent: true, store_history: false, user_expressions: { p: expr } }).done;
    return { log: w.jeLog, status: k.status, conn: k.connectionStatus, probe: JSON.stringify(r.content.user_expressions), attr: w.galata.app.shell.currentWidget.node.dataset.jeSnapshot };
  }, PROBE_EXPRESSION);
  console.log(JSON.stringify(info, null, 1));
});
