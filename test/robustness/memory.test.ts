// Memory over time: an editing session must not grow the WASM heap (every replaced tree deleted) or the JS heap
// (no summary, cache key or tree object pinning old versions of the buffer), and the server's RSS stays flat.
// CI runs a few hundred edits; `npm run fuzz -- --full` runs 10,000 edits on mm/memory.c and prints the figures.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser, contractTable } from '../../engine/index';
import { OpenDocuments } from '../../server/core/documents';
import { runSession } from '../../scripts/fuzz/server-session';
import { Rng } from '../../scripts/fuzz/rng';
import { KERNEL_MEMORY_C, ROOT, ensureBuilt, tempDir } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

function source(): string {
  return fs.readFileSync(fs.existsSync(KERNEL_MEMORY_C) ? KERNEL_MEMORY_C : path.join(ROOT, 'examples', 'mm', 'memory.c'), 'utf8');
}

describe('robustness: memory over an editing session', function () {
  this.timeout(120000);

  it('600 re-analyses of mm/memory.c: the WASM heap and the JS heap stay flat', async () => {
    const parser = await CParser.create();
    const contracts = contractTable();
    const docs = new OpenDocuments(parser);
    let doc = TextDocument.create('file:///w/mm/memory.c', 'c', 1, source());
    const d = docs.open(doc, 'mm/memory.c');
    const rng = new Rng(5);
    // Each edit adds a name never seen before (a long one: V8 slices long substrings) inside a function body,
    // re-analyses, and takes it out again: what is kept from one version must not pin that version's text.
    const bodies: number[] = [];
    for (let i = doc.getText().indexOf('\n{\n'); i >= 0; i = doc.getText().indexOf('\n{\n', i + 1)) bodies.push(i + 3);
    const edit = (k: number) => {
      const at = rng.pick(bodies);
      const text = `\tpagecheck_memory_probe_${k}_name(page);\n`;
      doc = TextDocument.update(doc, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at) }, text }], doc.version + 1);
      docs.changed(doc);
      docs.refresh(d, contracts);
      doc = TextDocument.update(doc, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + text.length) }, text: '' }], doc.version + 1);
      docs.changed(doc);
      docs.refresh(d, contracts);
    };
    const measure = () => { gc(); gc(); const m = process.memoryUsage(); return { wasm: m.external, heap: m.heapUsed }; };
    try {
      for (let k = 0; k < 50; k++) edit(k);
      const warm = measure();
      for (let k = 50; k < 350; k++) edit(k);
      const end = measure();
      // A leaked tree of memory.c is ~2 MB of WASM heap; a pinned version of its text is 170 KB of JS heap.
      assert.ok(end.wasm - warm.wasm < 8 * MB, `WASM heap grew by ${((end.wasm - warm.wasm) / MB).toFixed(1)} MB over 600 re-parses`);
      assert.ok(end.heap - warm.heap < 12 * MB, `JS heap grew by ${((end.heap - warm.heap) / MB).toFixed(1)} MB over 600 re-analyses`);
    } finally {
      docs.dispose();
      parser.delete();
    }
  });

  it('the server over 2,000 edits: RSS flat after warm-up (the 10,000-edit figure: npm run fuzz -- --full)', async () => {
    ensureBuilt();
    const t = tempDir();
    try {
      fs.mkdirSync(path.join(t.dir, 'mm'));
      fs.writeFileSync(path.join(t.dir, 'mm', 'memory.c'), source());
      const r = await runSession({ seed: 3, edits: 2000, seconds: 100, workspace: t.dir, file: path.join(t.dir, 'mm', 'memory.c'), rssEvery: 50 });
      assert.equal(r.died, undefined, r.died);
      assert.ok(r.caughtUp);
      assert.ok(r.rss.samples.length >= 6, JSON.stringify(r.rss.samples));
      assert.ok(r.rss.end - r.rss.warm < 40, `RSS high-water ${r.rss.warm} → ${r.rss.end} MB: ${JSON.stringify(r.rss.samples)}`);
    } finally {
      t.cleanup();
    }
  });
});
