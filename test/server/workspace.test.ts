// The workspace side: background index with work-done progress and status notifications, settings
// (workspace/configuration and didChangeConfiguration), .pagecheck.json (errors as diagnostics, contracts only
// when trusted), the report request and the workspace audit.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { DiagnosticSeverity, FileChangeType } from 'vscode-languageserver-protocol';
import { LspClient, copyFixtures } from './lsp-client';
import { ensureServer } from './build';

const PTE = 'mm/pte_walk.c';
const CALLEE = 'mm/offline.c';

describe('server: index progress and status', () => {
  it('indexes in the background with $/progress and pagecheck/status; the open file does not wait', async () => {
    ensureServer();
    const fx = copyFixtures();
    const c = await LspClient.start(fx.dir);
    try {
      await c.open(PTE);
      await c.diagnosticsFor(PTE, (ds) => ds.length === 1);
      await c.indexed();
      assert.equal(c.progressCreated.length >= 1, true, 'window/workDoneProgress/create was requested');
      const token = c.progressCreated[0];
      const mine = c.progress.filter((p) => String(p.token) === token).map((p) => p.value);
      assert.equal(mine[0].kind, 'begin');
      assert.match(mine[0].title ?? '', /pagecheck: indexing/);
      assert.ok(mine.some((v) => v.kind === 'report' && /\d+\/8 /.test(v.message ?? '')), JSON.stringify(mine));
      assert.equal(mine[mine.length - 1].kind, 'end');
      assert.ok(c.status.some((s) => s.state === 'indexing' && s.total === 8), JSON.stringify(c.status));
      const last = c.status[c.status.length - 1];
      assert.equal(last.state, 'ready');
      // The number the Problems panel lists (the open file's one finding), and the workspace's beside it.
      assert.equal(last.unsafe, 1);
      assert.equal(last.workspaceUnsafe, 10, 'PC001 ×6, PC003 ×2, PC004 ×1 in the tree, and offline_one_page() once its caller is indexed');
      assert.equal(last.text, 'pagecheck: 1 unsafe · 10 in workspace');
      assert.match(last.tooltip, /^pagecheck: 1 unsafe finding in the open files \(as the Problems panel lists them\); 10 in the workspace/);
    } finally {
      await c.stop();
      fx.dispose();
    }
  });

  it('publishes the open file long before a 400-file index is done', async () => {
    const fx = copyFixtures();
    mkdirSync(`${fx.dir}/gen`);
    for (let i = 0; i < 400; i++) {
      writeFileSync(`${fx.dir}/gen/f${i}.c`, `#include <linux/mm.h>\n\nint gen_${i}(struct page *page, unsigned long pfn)\n{\n\tif (pfn_valid(pfn))\n\t\treturn page_count(pfn_to_page(pfn)) + offline_one_page(page);\n\treturn 0;\n}\n`);
    }
    const c = await LspClient.start(fx.dir);
    try {
      await c.open(PTE);
      await c.diagnosticsFor(PTE, (ds) => ds.length === 1);
      const seen = c.status.slice();
      const last = seen[seen.length - 1];
      assert.ok(!seen.some((s) => s.state === 'ready'), 'the index had not finished');
      // Not started yet (the open file's diagnostics went out first), still listing (total 0), or part-way through
      // the 408 files.
      assert.ok(!last || (last.state === 'indexing' && (last.total === 0 || last.done < last.total)), JSON.stringify(last));
      await c.indexed(60000);
      assert.equal(c.status[c.status.length - 1].total, 408);
    } finally {
      await c.stop();
      fx.dispose();
    }
  });

  it('respects the file budget and ignore globs from the settings', async () => {
    const fx = copyFixtures();
    const c = await LspClient.start(fx.dir, { settings: { index: { maxFiles: 3 }, ignore: ['drivers/**'] } });
    try {
      await c.indexed();
      assert.equal(c.status[c.status.length - 1].total, 3);
      const report = await c.request<string>('pagecheck/report');
      assert.match(report, /3 files indexed \(stopped at the pagecheck\.index\.maxFiles budget\)/);
      assert.ok(!report.includes('drivers/base'), report);
    } finally {
      await c.stop();
      fx.dispose();
    }
  });
});

describe('server: settings and .pagecheck.json', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  before(async () => {
    ensureServer();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir);
    await c.open(PTE);
    await c.diagnosticsFor(PTE, (ds) => ds.length === 1);
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  it('severity from the settings: off removes the diagnostic, error raises it', async () => {
    c.settings = { severity: { PC001: 'off' } };
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    await c.waitFor('PC001 off', () => c.current(PTE)?.length === 0);
    c.settings = { severity: { PC001: 'error' } };
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    const [d] = await c.diagnosticsFor(PTE, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Error);
    assert.equal(d.code, 'PC001');
    c.settings = {};
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    await c.diagnosticsFor(PTE, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Warning);
  });

  it('pagecheck.enable = false clears everything; true brings it back', async () => {
    c.settings = { enable: false };
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    await c.waitFor('diagnostics cleared', () => c.current(PTE)?.length === 0);
    assert.equal(await c.hover(PTE, { line: 11, character: 6 }), null);
    c.settings = {};
    await c.notify('workspace/didChangeConfiguration', { settings: { pagecheck: c.settings } });
    await c.diagnosticsFor(PTE, (ds) => ds.length === 1);
  });

  it('a bad .pagecheck.json: an error diagnostic naming the key, a log line, and the audit goes on', async () => {
    const cfg = c.file('.pagecheck.json');
    writeFileSync(cfg, '{\n  "severity": { "PC001": "loudest", "PC005": "off" }\n}\n');
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('.pagecheck.json'), type: FileChangeType.Created }] });
    const ds = await c.waitFor('config diagnostics', () => { const p = c.diagnostics.get(c.uri('.pagecheck.json')); return p?.diagnostics.length ? p.diagnostics : undefined; });
    assert.equal(ds[0].severity, DiagnosticSeverity.Error);
    assert.match(ds[0].message, /^severity\.PC001: unknown severity "loudest"/);
    assert.equal(ds[0].range.start.line, 1);
    assert.ok(c.logs.some((l) => /\.pagecheck\.json.*severity\.PC001/.test(l)), c.logs.join('\n'));
    // The valid part applies (PC005 off), the PC001 stays a warning.
    await c.open('mm/unknown.c');
    await c.diagnosticsFor('mm/unknown.c', (d) => d.length === 2 && !d.some((x) => x.code === 'PC005'));
    await c.change(PTE, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
    await c.diagnosticsFor(PTE, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Warning);

    // Fixed: the config diagnostics are cleared.
    writeFileSync(cfg, '{ "severity": { "PC001": "information" } }\n');
    await c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('.pagecheck.json'), type: FileChangeType.Changed }] });
    await c.waitFor('config diagnostics cleared', () => c.diagnostics.get(c.uri('.pagecheck.json'))?.diagnostics.length === 0);
    await c.diagnosticsFor(PTE, (d) => d.length === 1 && d[0].severity === DiagnosticSeverity.Information);
  });
});

describe('server: contracts from .pagecheck.json and workspace trust', () => {
  const config = JSON.stringify({ contracts: [{ name: 'offline_one_page', effect: 'caller-holds-ref', argument: 0, reason: 'offline_one_page(): callers hold a reference (test contract)' }] });
  for (const trusted of [true, false]) {
    it(`${trusted ? 'trusted: the contract makes the callee safe' : 'untrusted: the contract is ignored'}`, async () => {
      ensureServer();
      const fx = copyFixtures();
      writeFileSync(`${fx.dir}/.pagecheck.json`, config);
      const c = await LspClient.start(fx.dir, { initializationOptions: { trusted } });
      try {
        await c.open(CALLEE);
        await c.indexed();
        await c.change(CALLEE, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
        const ds = await c.diagnosticsFor(CALLEE);
        assert.equal(ds.some((d) => d.code === 'PC001'), !trusted, JSON.stringify(ds));
        if (!trusted) assert.ok(c.logs.some((l) => /contract\(s\) ignored: the workspace is not trusted/.test(l)), c.logs.join('\n'));
      } finally {
        await c.stop();
        fx.dispose();
      }
    });
  }
});

describe('server: report and workspace audit', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  before(async () => {
    ensureServer();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir);
    await c.indexed();
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  it('pagecheck/report and pagecheck/reportTree answer over LSP (the content: server/features/report/report.test.ts)', async () => {
    const r = await c.request<string>('pagecheck/report');
    assert.match(r, /^# pagecheck report\n\n0 unsafe findings in the open files \(the Problems panel and the status bar\), 10 in the workspace\. 8 files indexed\./);
    assert.ok(r.includes(`- [count_device_pte(): unsafe](${c.uri('mm/pte_walk.c')}#L`), r);
    const t = await c.request<{ sections: Array<{ id: string; files: Array<{ rows: Array<{ uri: string }> }> }> }>('pagecheck/reportTree');
    assert.deepEqual(t.sections.map((x) => x.id), ['tests', 'memmap']);
    assert.ok(t.sections[0].files.some((f) => f.rows.some((row) => row.uri === c.uri('mm/pte_walk.c'))));
  });

  it('pagecheck/auditWorkspace: re-indexes, summarizes, and publishes diagnostics for files that are not open', async () => {
    const s = await c.request<{ files: number; verdicts: Record<string, number>; findings: Record<string, number>; text: string }>('pagecheck/auditWorkspace');
    assert.equal(s.files, 8);
    assert.deepEqual(s.verdicts, { safe: 1, unsafe: 6, 'unsafe? HMM': 1, unknown: 1 });
    assert.deepEqual(s.findings, { PC000: 1, PC001: 7, PC002: 1, PC003: 2, PC004: 1, PC005: 1 });
    assert.match(s.text, /^pagecheck: 8 files, 9 functions with a ZONE_DEVICE test: 6 unsafe/);
    const pte = await c.waitFor('diagnostics on an unopened file', () => { const p = c.diagnostics.get(c.uri(PTE)); return p?.diagnostics.length ? p.diagnostics : undefined; });
    assert.equal(pte[0].code, 'PC001');
    assert.ok(c.diagnostics.get(c.uri('virt/kvm/kvm_main.c'))!.diagnostics.some((d) => d.code === 'PC004'));
    // From now on the Problems panel lists the whole workspace, and the status bar counts the same.
    const published = () => [...c.diagnostics.values()].flatMap((p) => p.diagnostics).filter((d) => d.severity === 2 && /^unsafe:/.test(d.message)).length;
    const st = await c.waitFor('a status counting the workspace', () => { const x = c.status[c.status.length - 1]; return x?.state === 'ready' && x.unsafe === published() ? x : undefined; });
    assert.equal(st.text, `pagecheck: ${published()} unsafe`);
    assert.equal(st.unsafe, st.workspaceUnsafe);
  });
});
