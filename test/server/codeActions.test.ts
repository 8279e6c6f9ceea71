// Every quick fix offered on the fixtures is applied to the buffer, re-parsed and re-checked by the server:
// the text still parses, the finding it was offered for is gone, and no new finding appears.
import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { CParser, SUPPRESSION_REASON_PLACEHOLDER } from '../../engine/index';
import { FIXTURES, LspClient, copyFixtures, lineOf } from './lsp-client';
import { ensureServer } from './build';

function cFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return statSync(path.join(dir, r)).isDirectory() ? cFiles(dir, r) : /\.[ch]$/.test(n) ? [r] : [];
  });
}

const FILES = cFiles(FIXTURES);
const key = (d: Diagnostic) => `${d.code}:${(d.data as { fn?: string } | undefined)?.fn ?? ''}`;
const tally = (ds: Diagnostic[]) => { const m = new Map<string, number>(); for (const d of ds) m.set(key(d), (m.get(key(d)) ?? 0) + 1); return m; };

describe('server: code actions', function () {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  let parser: CParser;
  const original = new Map<string, string>();
  before(async () => {
    ensureServer();
    parser = await CParser.create();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir);
    for (const f of FILES) original.set(f, (await c.open(f)).getText());
    await c.indexed();
    // Every open file republished after the index is complete.
    await c.waitFor('diagnostics on every fixture', () => FILES.every((f) => c.current(f)) && c.current('mm/offline.c')!.some((d) => d.code === 'PC001'));
  });
  after(async () => { parser?.delete(); await c?.stop(); fx?.dispose(); });

  const errorsIn = (text: string) => {
    const p = parser.parse(text)!;
    let n = 0;
    const stack = [p.tree.rootNode];
    while (stack.length) {
      const x = stack.pop()!;
      if (x.type === 'ERROR' || x.isMissing) n++;
      if (x.hasError) for (const ch of x.children) if (ch) stack.push(ch);
    }
    p.tree.delete();
    return n;
  };

  async function actionsFor(file: string, d: Diagnostic): Promise<CodeAction[]> {
    return c.codeActions(file, d.range, [d]);
  }

  it('offers the expected fixes, quickfix kind, a real edit, the rewrite preferred over the suppression', async () => {
    const titles = async (file: string, needle: string, code: string) => {
      const line = lineOf(original.get(file)!, needle);
      const d = c.current(file)!.find((x) => x.range.start.line === line && x.code === code);
      assert.ok(d, `${code} on ${file}:${line + 1}`);
      const acts = await actionsFor(file, d);
      for (const a of acts) {
        assert.equal(a.kind, 'quickfix');
        assert.ok(a.edit?.documentChanges?.length || Object.keys(a.edit?.changes ?? {}).length, `${a.title}: an edit`);
        assert.deepEqual(a.diagnostics?.map((x) => x.code), [code]);
      }
      assert.equal(acts.filter((a) => a.isPreferred).length, acts.length > 1 ? 1 : 0);
      return acts.map((a) => a.title);
    };
    const pfn = await titles('mm/pfn_test.c', 'if (is_zone_device_page(page))', 'PC001');
    assert.deepEqual(pfn.map((t) => t.split(':')[0]), ['Test the pfn instead', 'Pin the pgmap across the test', 'Suppress PC001 here (with a reason to fill in)']);
    assert.match(pfn[0], /!pfn_to_online_page\(pfn\)/);
    const expr = await titles('mm/pfn_test.c', 'pfn_to_page(base + i)', 'PC001');
    assert.match(expr[0], /!pfn_to_online_page\(base \+ i\)/);
    assert.match(expr[1], /get_dev_pagemap\(base\+i, NULL\)/);
    const pte = await titles('mm/pte_walk.c', 'if (is_zone_device_page(page))', 'PC001');
    assert.match(pte[0], /!pfn_to_online_page\(page_to_pfn\(page\)\)/);
    assert.equal(pte.length, 2, 'no pin fix without a pfn at hand');
    // A tree with the per-page pgmap reference (every version's contracts): is_device_private_page() is no remedy.
    assert.deepEqual(await titles('mm/hmm_walk.c', 'is_zone_device_page', 'PC002'), ['Suppress PC002 here (with a reason to fill in)']);
    assert.match((await titles('mm/pfn_scan.c', 'page_to_nid', 'PC003'))[0], /pfn_to_online_page\(pfn\) instead of pfn_valid\(\) \+ pfn_to_page\(\)/);
    assert.match((await titles('virt/kvm/kvm_main.c', 'PageReserved', 'PC004'))[0], /pfn_to_online_page\(pfn\)/);
    assert.deepEqual(await titles('mm/unknown.c', 'is_zone_device_page', 'PC005'), ['Suppress PC005 here (with a reason to fill in)']);
    assert.deepEqual(await titles('mm/unknown.c', 'pagecheck: ignore PC001', 'PC000'), ['Give the suppression a reason']);
    // Only quick fixes: a request for refactorings gets nothing.
    const d = c.current('mm/unknown.c')![0];
    assert.deepEqual(await c.codeActions('mm/unknown.c', d.range, [d], ['refactor']), []);
  });

  it('the AUDIT.md shape for PC004, and the merged guard for PC003', async () => {
    const kvm = 'virt/kvm/kvm_main.c';
    const d = c.current(kvm)!.find((x) => x.code === 'PC004')!;
    const [fix] = await actionsFor(kvm, d);
    const v = (await c.applyEdit(fix.edit!)).get(c.uri(kvm))!;
    assert.match(c.text(kvm), /PAGE_SHIFT\);\n\tstruct page \*page = pfn_to_online_page\(pfn\);\n\n\tif \(!page\)\n\t\treturn true;\n\treturn PageReserved\(page\);\t\/\* expect: PC004 \*\/\n\}/);
    await c.diagnosticsFor(kvm, (ds) => c.diagnostics.get(c.uri(kvm))!.version === v && ds.length === 0);
    await c.setText(kvm, original.get(kvm)!);
    await c.diagnosticsFor(kvm, (ds) => ds.length === 1);

    const scan = 'mm/pfn_scan.c';
    const d3 = c.current(scan)!.find((x) => x.code === 'PC003' && x.range.start.line === lineOf(original.get(scan)!, 'page_to_nid'))!;
    const [fix3] = await actionsFor(scan, d3);
    await c.applyEdit(fix3.edit!);
    assert.match(c.text(scan), /\tpage = pfn_to_online_page\(pfn\);\n\tif \(!page\)\n\t\treturn -1;\n\treturn page_to_nid\(page\);/);
    await c.setText(scan, original.get(scan)!);
    await c.diagnosticsFor(scan, (ds) => ds.length === 2);
  });

  for (const file of FILES) {
    it(`every fix on ${file} parses, removes its finding and adds none`, async function () {
      const base = original.get(file)!;
      const before = c.current(file) ?? await c.diagnosticsFor(file);
      const baseErrors = errorsIn(base);
      let applied = 0;
      for (const d of before) {
        for (const a of await actionsFor(file, d)) {
          const n = c.published.length;
          let v = (await c.applyEdit(a.edit!)).get(c.uri(file))!;
          let text = c.text(file);
          assert.ok(errorsIn(text) <= baseErrors, `"${a.title}" leaves a parse error:\n${text}`);
          // Every open file republished for this version (cross-file verdicts included).
          const republished = (m: number) => c.waitFor(`the republish after "${a.title}"`, () => c.diagnostics.get(c.uri(file))?.version === v
            && FILES.every((f) => c.published.slice(m).some((p) => p.uri === c.uri(f))));
          await republished(n);
          if (text.includes(SUPPRESSION_REASON_PLACEHOLDER)) {
            // A suppression whose reason is still the placeholder suppresses nothing: PC000 until a reason is written.
            assert.ok(c.current(file)!.some((x) => x.code === 'PC000'), `"${a.title}" with the placeholder reason must be PC000\n${text}`);
            // The user writes one: then it suppresses (the checks below).
            const m = c.published.length;
            v = await c.setText(file, text.replace(SUPPRESSION_REASON_PLACEHOLDER, 'reviewed: the caller holds a reference'));
            text = c.text(file);
            await republished(m);
          }
          const after = tally(c.current(file)!);
          const expected = tally(before);
          expected.set(key(d), expected.get(key(d))! - 1);
          for (const [k, count] of after) assert.ok(count <= (expected.get(k) ?? 0), `"${a.title}" on ${file}: ${k} ×${count} after, expected at most ${expected.get(k) ?? 0}\n${text}`);
          assert.ok((after.get(key(d)) ?? 0) < (tally(before).get(key(d)) ?? 0), `"${a.title}" did not remove ${key(d)}\n${text}`);
          for (const f of FILES.filter((x) => x !== file)) {
            const others = c.current(f)!.length;
            const was = c.published.slice(0, n).filter((p) => p.uri === c.uri(f)).pop()!.diagnostics.length;
            assert.ok(others <= was, `"${a.title}" on ${file} added a finding in ${f}`);
          }
          applied++;
          await c.setText(file, base);
          await c.diagnosticsFor(file, (ds) => ds.length === before.length);
        }
      }
      assert.ok(applied >= before.length, `at least one fix per finding on ${file}`);
    });
  }
});
