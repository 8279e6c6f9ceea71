// The language server over the real protocol: diagnostics for open files, after incremental edits, on close;
// what a client without relatedInformation support gets; requests about documents the server never saw.
import { strict as assert } from 'node:assert';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { FULL_CAPABILITIES, LspClient, copyFixtures, lineOf } from './lsp-client';
import { ensureServer } from './build';

const PTE = 'mm/pte_walk.c';

describe('server: diagnostics', function () {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  before(async () => {
    ensureServer();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir);
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  it('publishes PC001 for the open file, with code, link, severity and provenance', async () => {
    const doc = await c.open(PTE);
    const text = doc.getText();
    const unsafeLine = lineOf(text, 'if (is_zone_device_page(page))');
    const ds = await c.diagnosticsFor(PTE, (d) => d.length > 0);
    assert.equal(ds.length, 1, JSON.stringify(ds));
    const d = ds[0];
    assert.equal(d.code, 'PC001');
    assert.equal(d.source, 'pagecheck');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.equal(d.range.start.line, unsafeLine);
    assert.equal(text.split('\n')[unsafeLine].slice(d.range.start.character, d.range.end.character), 'is_zone_device_page(page)');
    assert.match(d.message, /^unsafe: nothing keeps this page's memmap alive/);
    assert.match(d.codeDescription?.href ?? '', /^https:\/\/.*\/docs\/rules\/PC001\.md$/);
    assert.ok(d.relatedInformation?.length, 'provenance as relatedInformation');
    const origin = d.relatedInformation![0];
    assert.equal(origin.location.uri, c.uri(PTE));
    assert.equal(origin.location.range.start.line, lineOf(text, 'struct page *page = pte_page(pte);'));
    assert.match(origin.message, /pte_page\(\)/);
    // The get_page() one is safe: no diagnostic on its line.
    assert.ok(!ds.some((x) => x.range.start.line === lineOf(text, 'ret = is_zone_device_page(page);')));
  });

  it('follows incremental edits: ranges move, a fix clears the finding, versions match', async () => {
    const unsafeLine = lineOf(c.text(PTE), 'if (is_zone_device_page(page))');
    // Two new lines above the function: the finding moves down by two.
    const v2 = await c.change(PTE, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '/* one */\n/* two */\n' }]);
    const moved = await c.diagnosticsFor(PTE, (d) => d.length === 1 && d[0].range.start.line === unsafeLine + 2);
    assert.equal(c.diagnostics.get(c.uri(PTE))?.version, v2);
    assert.equal(moved[0].code, 'PC001');

    // Typing get_page(page); before the test, one character at a time: only the last version counts.
    const at = lineOf(c.text(PTE), 'if (is_zone_device_page(page))');
    const insert = '\tget_page(page);\n';
    await c.change(PTE, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: '\n' }]);
    for (let i = 0; i < insert.length - 1; i++) {
      await c.change(PTE, [{ range: { start: { line: at, character: i }, end: { line: at, character: i } }, text: insert[i] }]);
    }
    const fixed = await c.diagnosticsFor(PTE, (d) => d.length === 0);
    assert.deepEqual(fixed, []);
    assert.match(c.text(PTE), /get_page\(page\);\n\tif \(is_zone_device_page\(page\)\)/);

    // Deleting the get_page() line brings it back, on its line.
    await c.change(PTE, [{ range: { start: { line: at, character: 0 }, end: { line: at + 1, character: 0 } }, text: '' }]);
    const back = await c.diagnosticsFor(PTE, (d) => d.length === 1);
    assert.equal(back[0].range.start.line, at);
  });

  it('clears the file\'s diagnostics on close', async () => {
    const n = c.published.length;
    await c.close(PTE);
    await c.waitFor('an empty publish for the closed file', () => c.published.slice(n).some((p) => p.uri === c.uri(PTE) && p.diagnostics.length === 0));
  });

  it('answers requests about documents it never saw, and keeps working', async () => {
    const unknown = { textDocument: { uri: c.uri('mm/nowhere.c') }, position: { line: 3, character: 4 } };
    assert.equal(await c.request('textDocument/hover', unknown), null);
    assert.deepEqual(await c.request('textDocument/codeAction', { ...unknown, range: { start: unknown.position, end: unknown.position }, context: { diagnostics: [] } }), []);
    // Changes and closes for unknown documents are ignored.
    await c.notify('textDocument/didChange', { textDocument: { uri: c.uri('mm/nowhere.c'), version: 2 }, contentChanges: [{ text: 'x' }] });
    await c.notify('textDocument/didClose', { textDocument: { uri: 'untitled:Untitled-9' } });
    // A hover past the end of an open file, and on a line with nothing to say.
    await c.open('mm/unknown.c');
    await c.diagnosticsFor('mm/unknown.c');
    assert.equal(await c.hover('mm/unknown.c', { line: 500, character: 0 }), null);
    assert.equal(await c.hover('mm/unknown.c', { line: 0, character: 0 }), null);
    assert.equal(c.proc.exitCode, null, 'the server is still running');
  });
});

describe('server: a client without relatedInformation support', () => {
  it('gets the provenance folded into the message', async () => {
    const fx = copyFixtures();
    const caps = structuredClone(FULL_CAPABILITIES);
    caps.textDocument!.publishDiagnostics = { relatedInformation: false };
    caps.textDocument!.hover = { contentFormat: ['plaintext'] };
    const c = await LspClient.start(fx.dir, { capabilities: caps });
    try {
      await c.open(PTE);
      const [d] = await c.diagnosticsFor(PTE, (ds) => ds.length > 0);
      assert.equal(d.relatedInformation, undefined);
      assert.match(d.message, /\n {2}mm\/pte_walk\.c:10: page from pte_page\(\)/);
      const h = await c.hover(PTE, { line: d.range.start.line, character: d.range.start.character + 1 });
      const value = (h?.contents as { kind: string; value: string }).value;
      assert.equal((h?.contents as { kind: string }).kind, 'plaintext');
      assert.ok(!value.includes('**') && !value.includes('](file:'), value);
    } finally {
      await c.stop();
      fx.dispose();
    }
  });
});
