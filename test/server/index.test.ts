// The language server's index of the workspace: the CLI's pipeline (engine/demand/tree-run.ts TreeRun, in the index
// thread), which parses a workspace under 2,000 files whole and plans a larger one on demand. The same behaviour on
// both: cross-file verdicts stay live (editing a caller in one open file re-decides the callee's test in another;
// files changed, created or deleted on disk reach the index through workspace/didChangeWatchedFiles), and an edit
// or a hover that needs callers nobody parsed yet gets the answer parsing everything would give.
//
// Each suite runs on its fixture tree as it is (small: parsed whole) and with FILLERS files added that call nothing
// a verdict needs (larger: on demand, and the fillers are never parsed).
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileChangeType } from 'vscode-languageserver-protocol';
import { LspClient, copyFixtures, lineOf, posOf } from './lsp-client';
import { ensureServer } from './build';
import { SERVER_WHOLE_BELOW_FILES } from '../../server/core/index-thread';

/** Files added to make a tree "larger": past the size the server parses whole (SERVER_WHOLE_BELOW_FILES) with any fixture tree. */
const FILLERS = SERVER_WHOLE_BELOW_FILES;

type Size = 'small' | 'larger';

/** A temp copy of `src`, with the fillers when `size` is larger. */
function treeOf(src: string | undefined, size: Size): ReturnType<typeof copyFixtures> {
  const fx = copyFixtures(src);
  if (size === 'larger') {
    mkdirSync(path.join(fx.dir, 'lib', 'filler'), { recursive: true });
    for (let i = 0; i < FILLERS; i++) {
      writeFileSync(path.join(fx.dir, 'lib', 'filler', `f${i}.c`), `// SPDX-License-Identifier: GPL-2.0\n#include <linux/kernel.h>\n\nint filler_${i}(int x)\n{\n\treturn x + ${i};\n}\n`);
    }
  }
  return fx;
}

/** The index run's log line: the files listed, and how many the run parsed. */
function indexLine(c: LspClient): { files: number; parsed: number | 'all' } {
  const line = c.logs.find((l) => /files indexed \(/.test(l));
  assert.ok(line, c.logs.join('\n'));
  const m = /(\d+) files indexed \((all parsed|on demand, (\d+) parsed for the verdicts)/.exec(line)!;
  assert.ok(m, line);
  return { files: Number(m[1]), parsed: m[3] === undefined ? 'all' : Number(m[3]) };
}

for (const size of ['small', 'larger'] as const) describe(`server: the workspace index (${size} tree)`, () => {
  describe('cross-file verdicts', () => {
    const CALLEE = 'mm/offline.c';
    const CALLER = 'drivers/base/offline_store.c';
    let fx: ReturnType<typeof copyFixtures>;
    let c: LspClient;
    let testLine: number;
    before(async () => {
      ensureServer();
      fx = treeOf(undefined, size);
      c = await LspClient.start(fx.dir);
      await c.waitFor('the index run', () => c.logs.some((l) => /files indexed \(/.test(l)));
      const doc = await c.open(CALLEE);
      testLine = lineOf(doc.getText(), 'if (is_zone_device_page(page))');
      await c.indexed();
    });
    after(async () => { await c?.stop(); fx?.dispose(); });

    const calleeRules = () => (c.current(CALLEE) ?? []).filter((d) => d.range.start.line === testLine).map((d) => d.code);

    it(size === 'small' ? 'a small tree is parsed whole' : 'a larger tree is indexed on demand: only what the verdicts need is parsed', () => {
      const { files, parsed } = indexLine(c);
      assert.equal(files, size === 'small' ? 8 : 8 + FILLERS);
      if (size === 'small') assert.equal(parsed, 'all');
      else assert.ok(typeof parsed === 'number' && parsed <= 8, `${parsed} parsed: not one filler`);
    });

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

  // test/fixtures-plan: callers that no verdict on disk needs (an index on demand has not parsed them).
  describe('buffers that need more of the tree', () => {
    const BUFFER = 'kernel/unrelated.c';
    let fx: ReturnType<typeof copyFixtures>;
    let c: LspClient;
    before(async () => {
      ensureServer();
      fx = treeOf(path.resolve(__dirname, '..', 'fixtures-plan'), size);
      c = await LspClient.start(fx.dir);
      await c.indexed();
    });
    after(async () => { await c?.stop(); fx?.dispose(); });

    it('a new sink in a buffer: its callers decide, the worst one first', async () => {
      const doc = await c.open(BUFFER);
      const end = doc.lineCount;
      await c.change(BUFFER, [{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } },
        text: '\nbool note_page(struct page *page)\n{\n\treturn is_zone_device_page(page);\n}\n' }]);
      const testLine = lineOf(c.docs.get(c.uri(BUFFER))!.getText(), 'return is_zone_device_page(page);');
      // note_page() is called only from kernel/tally.c, which no verdict on disk needed.
      const ds = await c.diagnosticsFor(BUFFER, (d) => d.some((x) => x.code === 'PC001' && x.range.start.line === testLine), 20000);
      const d = ds.find((x) => x.code === 'PC001')!;
      assert.match(d.message, /pte_page\(\)/, d.message);
      assert.ok(d.relatedInformation!.some((r) => r.location.uri === c.uri('kernel/tally.c')), JSON.stringify(d.relatedInformation));
      // On demand, kernel/tally.c is parsed for the buffer; a tree parsed whole had it already.
      const widened = c.logs.some((l) => /the open files need \d+ more file\(s\).*kernel\/tally\.c/.test(l));
      assert.equal(widened, size === 'larger', c.logs.join('\n'));
    });

    it('a hover on a parameter with no ZONE_DEVICE test names its callers', async () => {
      const doc = c.docs.get(c.uri(BUFFER))!;
      const end = doc.lineCount;
      await c.change(BUFFER, [{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } },
        text: '\nint weigh(struct page *page)\n{\n\treturn page != NULL;\n}\n' }]);
      const text = c.docs.get(c.uri(BUFFER))!.getText();
      const line = lineOf(text, 'return page != NULL;');
      const character = text.split('\n')[line].indexOf('page') + 1;
      const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: c.uri(BUFFER) }, position: { line, character } });
      assert.ok(h, 'a hover');
      // The only caller, weigh_from_pte() in kernel/tally.c, is nothing the verdicts needed (on demand: parsed for the hover).
      assert.match(h.contents.value, /\*\*Callers\*\* of `weigh\(\)`/, `${h.contents.value}\n${c.logs.join('\n')}`);
      assert.match(h.contents.value, /weigh_from_pte\(\)/, h.contents.value);
    });
  });
});
