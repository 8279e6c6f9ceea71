// Over LSP: textDocument/codeLens (pagecheck.showVerdicts), the lens's command run through
// workspace/executeCommand → window/showDocument, codeLens/refresh when verdicts change; a header opened as `cpp`.
import { strict as assert } from 'node:assert';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { LspClient, ROOT, copyFixtures, lineOf } from './lsp-client';
import { ensureServer } from './build';
import path from 'node:path';

describe('server: verdict lenses and headers', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  before(async () => {
    ensureServer();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir);
    await c.open('mm/pte_walk.c');
    await c.indexed();
    await c.diagnosticsFor('mm/pte_walk.c', (ds) => ds.length === 1);
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  it('a lens per ZONE_DEVICE test; its command opens the pin through window/showDocument', async () => {
    assert.deepEqual(c.capabilities.executeCommandProvider?.commands, ['pagecheck.showLocation']);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: c.uri('mm/pte_walk.c') } });
    const text = c.text('mm/pte_walk.c');
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [
      [lineOf(text, 'if (is_zone_device_page(page))'), 'unsafe (PC001): page from pte_page()'],
      [lineOf(text, 'ret = is_zone_device_page'), 'safe: get_page() in count_device_pte_ref()'],
    ]);
    const safe = lenses[1].command!;
    assert.equal(safe.command, 'pagecheck.showLocation');
    await c.request('workspace/executeCommand', { command: safe.command, arguments: safe.arguments });
    assert.deepEqual(c.shown.pop(), { uri: c.uri('mm/pte_walk.c'), selection: (safe.arguments![0] as { range: unknown }).range, takeFocus: true });
    assert.equal((safe.arguments![0] as { range: { start: { line: number } } }).range.start.line, lineOf(text, 'get_page(page)'));
  });

  it('pagecheck.showVerdicts = false: no lenses, and the client is asked to refresh them', async () => {
    const before = c.lensRefreshes;
    c.settings = { showVerdicts: false };
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    await c.waitFor('a codeLens/refresh', () => c.lensRefreshes > before);
    assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri: c.uri('mm/pte_walk.c') } }), []);
    const n = c.lensRefreshes;
    c.settings = {};
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    await c.waitFor('a codeLens/refresh', () => c.lensRefreshes > n);
    assert.equal((await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: c.uri('mm/pte_walk.c') } })).length, 2);
  });

  it('a header opened as cpp (VS Code, Neovim): diagnostics, hover, code actions and lenses', async () => {
    const hx = copyFixtures(path.join(ROOT, 'test', 'server-fixtures', 'header'));
    const hc = await LspClient.start(hx.dir);
    try {
      const rel = 'include/linux/pfn_peek.h';
      await hc.open(rel, undefined, 'cpp');
      const ds = await hc.diagnosticsFor(rel, (x) => x.length > 0);
      assert.deepEqual(ds.map((d) => [d.code, d.range.start.line]), [['PC001', lineOf(hc.text(rel), 'is_zone_device_page')]]);
      const h = await hc.hover(rel, ds[0].range.start);
      assert.match(JSON.stringify(h), /unsafe/);
      const acts = await hc.codeActions(rel, ds[0].range, [ds[0]]);
      assert.ok(acts.some((a) => /^Suppress PC001/.test(a.title)), JSON.stringify(acts.map((a) => a.title)));
      const lenses = await hc.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: hc.uri(rel) } });
      assert.equal(lenses[0].command?.title, 'unsafe (PC001): page from pfn_to_page(pfn)');
    } finally {
      await hc.stop();
      hx.dispose();
    }
  });
});
