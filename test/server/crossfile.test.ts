// Cross-file verdicts stay live: editing a caller in one open file re-decides the callee's test in another;
// files changed, created or deleted on disk reach the index through workspace/didChangeWatchedFiles.
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FileChangeType } from 'vscode-languageserver-protocol';
import { LspClient, copyFixtures, lineOf, posOf } from './lsp-client';
import { ensureServer } from './build';

const CALLEE = 'mm/offline.c';
const CALLER = 'drivers/base/offline_store.c';

// The same behaviour whether the workspace is indexed file by file (a small tree) or on demand (a big one:
// engine/demand/tree-run.ts, forced here with PAGECHECK_DEMAND=1 and its own cache directory).
for (const mode of ['file by file', 'on demand'] as const) describe(`server: cross-file verdicts (index ${mode})`, () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  let testLine: number;
  before(async () => {
    ensureServer();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir, mode === 'on demand' ? { env: { PAGECHECK_DEMAND: '1', PAGECHECK_CACHE_DIR: `${fx.dir}/.cache` } } : {});
    if (mode === 'on demand') await c.waitFor('an on-demand index', () => c.logs.some((l) => /indexed on demand/.test(l)));
    const doc = await c.open(CALLEE);
    testLine = lineOf(doc.getText(), 'if (is_zone_device_page(page))');
    await c.indexed();
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  const calleeRules = () => (c.current(CALLEE) ?? []).filter((d) => d.range.start.line === testLine).map((d) => d.code);

  it('judges the callee by its caller in another (unopened) file', async () => {
    await c.diagnosticsFor(CALLEE, (ds) => ds.some((d) => d.code === 'PC001' && d.range.start.line === testLine));
    const d = c.current(CALLEE)!.find((x) => x.code === 'PC001')!;
    assert.match(d.message, /pfn_valid\(\).*offline_store\.c:16/);
    assert.ok(d.relatedInformation!.some((r) => r.location.uri === c.uri(CALLER) && /passed to offline_one_page\(\) by offline_store\(\)/.test(r.message)));
  });

  it('editing the open caller re-decides the callee (unsaved)', async () => {
    const doc = await c.open(CALLER);
    const at = posOf(doc.getText(), 'pfn_to_page(pfn)');
    const range = { start: at, end: { line: at.line, character: at.character + 'pfn_to_page'.length } };
    await c.change(CALLER, [{ range, text: 'pfn_to_online_page' }]);
    await c.waitFor('the callee test judged safe', () => { const r = c.current(CALLEE); return r && !r.some((d) => d.range.start.line === testLine); });
    // …and back.
    await c.change(CALLER, [{ range: { start: at, end: { line: at.line, character: at.character + 'pfn_to_online_page'.length } }, text: 'pfn_to_page' }]);
    await c.waitFor('the callee test unsafe again', () => calleeRules().includes('PC001'));
    // Closing the caller falls back to its text on disk (unchanged): still unsafe.
    await c.close(CALLER);
    await c.change(CALLEE, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }]);
    await c.waitFor('the callee still unsafe', () => calleeRules().includes('PC001'));
  });

  it('didChangeWatchedFiles: a caller changed, deleted and created on disk', async () => {
    assert.ok(c.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), 'a file watcher was registered');
    const file = c.file(CALLER);
    const original = readFileSync(file, 'utf8');
    // Changed on disk: the caller now takes a reference first.
    writeFileSync(file, original.replace('ret = offline_one_page(pfn_to_page(pfn));', 'page = pfn_to_online_page(pfn);\n\tret = page ? offline_one_page(page) : -ENXIO;').replace('int ret;', 'int ret;\n\tstruct page *page;'));
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri(CALLER), type: FileChangeType.Changed }] });
    await c.waitFor('the callee safe after the disk change', () => { const r = c.current(CALLEE); return r && !r.some((d) => d.range.start.line === testLine); });

    // Deleted: no caller left in the tree, so the verdict depends on callers pagecheck cannot see (PC005).
    rmSync(file);
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri(CALLER), type: FileChangeType.Deleted }] });
    await c.waitFor('PC005 once the only caller is gone', () => calleeRules().includes('PC005'));

    // Created again with the unsafe original.
    writeFileSync(file, original);
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri(CALLER), type: FileChangeType.Created }] });
    await c.waitFor('PC001 with the caller back', () => calleeRules().includes('PC001'));
  });
});
