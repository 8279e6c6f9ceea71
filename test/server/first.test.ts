// Findings first over the protocol: opening a file with many functions in a small workspace publishes its findings
// after summarising only what they need, then completes the rest in the background and republishes. The first
// publication must be the complete one (test/server-fixtures/first: a finding needing a local caller and a RET
// definition in the same file; another file's finding needing a RET definition in the open file); hover must work
// before and after the background completion.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Hover, MarkupContent, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient, copyFixtures, lineOf, posOf } from './lsp-client';
import { ensureServer } from './build';

const FIXTURES = path.join(__dirname, '..', 'server-fixtures', 'first');
const OPEN = 'mm/first.c';
const USER = 'drivers/first_user.c';

const value = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');
const shape = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => ({ code: d.code, range: d.range, message: d.message, related: d.relatedInformation }));

describe('server: findings first', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;

  /** Starts a server with the timing log (it says whether an analysis was findings first). */
  async function start(): Promise<LspClient> {
    const before = process.env.PAGECHECK_TIMING;
    process.env.PAGECHECK_TIMING = '1';
    try {
      return await LspClient.start(fx.dir);
    } finally {
      if (before === undefined) delete process.env.PAGECHECK_TIMING; else process.env.PAGECHECK_TIMING = before;
    }
  }

  const completed = () => c.waitFor(`${OPEN} completed in the background`, () => c.logs.some((l) => l.startsWith(`timing: completed ${OPEN}`)));
  const partialFirst = () => c.logs.find((l) => l.startsWith(`timing: refresh ${OPEN}`))?.match(/, (\d+) of (\d+) functions\)/);

  beforeEach(() => {
    ensureServer();
    fx = copyFixtures(FIXTURES);
    // Most of the open file's functions must be ones its findings do not need: filler before and after them.
    const file = path.join(fx.dir, OPEN);
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('\n', text.indexOf('#include')) + 1;
    writeFileSync(file, text.slice(0, at) + fillers(20, 'head') + text.slice(at) + fillers(20, 'tail'));
  });
  afterEach(async () => { await c?.stop(); fx?.dispose(); });

  it('publishes first exactly what the complete facts give, then the same again once complete', async () => {
    c = await start();
    await c.indexed();
    const from = c.published.length;
    const doc = await c.open(OPEN);
    await completed();
    const mine = c.published.slice(from).filter((p) => p.uri === c.uri(OPEN));
    const m = partialFirst();
    assert.ok(m && Number(m[1]) < Number(m[2]), `the first analysis was findings first: ${c.logs.join('\n')}`);
    assert.ok(mine.length >= 1);
    const first = mine[0];
    assert.equal(first.version, 1);
    const testLine = lineOf(doc.getText(), 'return is_zone_device_page(page);');
    assert.deepEqual(first.diagnostics.map((d) => `${d.code}@${d.range.start.line}`), [`PC001@${testLine}`]);
    // The chain runs through the local caller and the RET definition: both were summarised for it.
    assert.match(first.diagnostics[0].message, /passed to dev_test\(\) by local_caller\(\)/);
    assert.ok(first.diagnostics[0].relatedInformation?.some((r) => /pte_page/.test(r.message)));
    // Complete facts (the background completion republishes them) give the very same diagnostics.
    await c.diagnosticsFor(OPEN);
    assert.deepEqual(shape(c.diagnostics.get(c.uri(OPEN))!), shape(first));
  });

  it('keeps another file\'s finding that needs a RET definition in the open file', async () => {
    c = await start();
    await c.indexed();
    // Every indexed file's findings are published in workspace mode.
    await c.request('pagecheck/auditWorkspace');
    const userLine = lineOf(readFileSync(c.file(USER), 'utf8'), 'is_zone_device_page');
    const userHasPc001 = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.code === 'PC001' && d.range.start.line === userLine);
    await c.waitFor(`${USER} PC001 in workspace mode`, () => { const p = c.diagnostics.get(c.uri(USER)); return p && userHasPc001(p); });
    const from = c.published.length;
    await c.open(OPEN);
    await completed();
    const m = partialFirst();
    assert.ok(m && Number(m[1]) < Number(m[2]), 'the open file was summarised findings first');
    const users = c.published.slice(from).filter((p) => p.uri === c.uri(USER));
    assert.ok(users.length >= 1, 'the other file was republished');
    for (const p of users) assert.ok(userHasPc001(p), `every publication keeps ${USER}'s PC001: ${JSON.stringify(p.diagnostics)}`);
  });

  it('answers hover before and after the background completion', async () => {
    c = await start();
    await c.indexed();
    // Many more functions no finding needs: the background completion takes a while.
    const text = readFileSync(c.file(OPEN), 'utf8') + fillers(400);
    const doc = await c.open(OPEN, text);
    await c.diagnosticsFor(OPEN);
    const at = posOf(doc.getText(), 'held)', 'put_page(held)');
    // Right after the findings, before the background completion: the request completes the facts itself.
    const early = value(await c.hover(OPEN, at));
    assert.match(early, /`held` in `held_page\(\)`/);
    if (c.logs.some((l) => l.startsWith(`timing: completed ${OPEN}`))) console.log('      (the background completion came first this time)');
    await c.close(OPEN);

    // Again, this time after the background completion.
    c.logs.length = 0;
    const again = await c.open(OPEN, text);
    await completed();
    const late = value(await c.hover(OPEN, posOf(again.getText(), 'held)', 'put_page(held)')));
    assert.equal(late, early);
    // An edit in that function afterwards: the hover follows it.
    await c.change(OPEN, [{ range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } }, text: '\t' }]);
    await c.diagnosticsFor(OPEN);
    assert.match(value(await c.hover(OPEN, { line: at.line, character: at.character + 1 })), /`held` in `held_page\(\)`/);
  });

  it('a keystroke while the rest is being completed: findings stay exact, no stale version', async () => {
    c = await start();
    await c.indexed();
    const doc = await c.open(OPEN);
    await c.diagnosticsFor(OPEN);
    const testLine = lineOf(doc.getText(), 'return is_zone_device_page(page);');
    // Edits right away (the background completion is still going): a line above the test, then back.
    for (let k = 0; k < 6; k++) {
      const text = k % 2 === 0 ? '\n' : '';
      const range = k % 2 === 0 ? { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } } : { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } };
      const v = await c.change(OPEN, [{ range, text }]);
      const ds = await c.diagnosticsFor(OPEN);
      assert.equal(c.diagnostics.get(c.uri(OPEN))!.version, v);
      assert.deepEqual(ds.map((d) => `${d.code}@${d.range.start.line}`), [`PC001@${testLine + (k % 2 === 0 ? 1 : 0)}`]);
    }
  });
});

function fillers(n: number, prefix = 'more'): string {
  let out = '';
  for (let i = 0; i < n; i++) out += `\nstatic int ${prefix}_${i}(int x)\n{\n\tint r = 0;\n\n\twhile (x-- > 0)\n\t\tr += x * ${i};\n\treturn r;\n}\n`;
  return out;
}
