// A big workspace is indexed on demand (engine/demand/tree-run.ts TreeRun; forced here with PAGECHECK_DEMAND=1 on the small
// test/fixtures-plan tree): only the files the verdicts on disk need are parsed. An edit that adds a sink needing
// callers nobody parsed yet must still get the verdict parsing everything would give, once typing pauses.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { LspClient, copyFixtures, lineOf } from './lsp-client';
import { ensureServer } from './build';

const FIX = path.resolve(__dirname, '..', 'fixtures-plan');
const BUFFER = 'kernel/unrelated.c';

describe('server: on-demand index (a big tree)', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  before(async () => {
    ensureServer();
    fx = copyFixtures(FIX);
    c = await LspClient.start(fx.dir, { env: { PAGECHECK_DEMAND: '1', PAGECHECK_CACHE_DIR: path.join(fx.dir, '.cache') } });
    await c.indexed();
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  it('indexes every file, parses only what the verdicts need', () => {
    const line = c.logs.find((l) => /indexed on demand/.test(l));
    assert.ok(line, c.logs.join('\n'));
    const [, files, parsed] = /(\d+) files indexed on demand \(\w+\), (\d+) parsed/.exec(line)!;
    assert.ok(Number(parsed) < Number(files), line);
  });

  it('a new sink in a buffer: its callers are parsed then, and the worst one decides', async () => {
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
    assert.ok(c.logs.some((l) => /the open files need \d+ more file\(s\).*kernel\/tally\.c/.test(l)), c.logs.join('\n'));
  });

  it('a hover on a parameter with no ZONE_DEVICE test names its callers, parsed for the hover', async () => {
    const doc = c.docs.get(c.uri(BUFFER))!;
    const end = doc.lineCount;
    await c.change(BUFFER, [{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } },
      text: '\nint weigh(struct page *page)\n{\n\treturn page != NULL;\n}\n' }]);
    const text = c.docs.get(c.uri(BUFFER))!.getText();
    const line = lineOf(text, 'return page != NULL;');
    const character = text.split('\n')[line].indexOf('page') + 1;
    const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: c.uri(BUFFER) }, position: { line, character } });
    assert.ok(h, 'a hover');
    // The only caller, weigh_from_pte() in kernel/tally.c, is nothing the verdicts needed.
    assert.match(h.contents.value, /\*\*Callers\*\* of `weigh\(\)`/, `${h.contents.value}\n${c.logs.join('\n')}`);
    assert.match(h.contents.value, /weigh_from_pte\(\)/, h.contents.value);
  });
});
