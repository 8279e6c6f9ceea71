// Hover: a ZONE_DEVICE test, a page variable, a call that makes a page — in a reviewer's words, with links.
import { strict as assert } from 'node:assert';
import { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, copyFixtures, lineOf, posOf } from './lsp-client';
import { ensureServer } from './build';

const value = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');

describe('server: hover', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: LspClient;
  before(async () => {
    ensureServer();
    fx = copyFixtures();
    c = await LspClient.start(fx.dir);
    await c.open('mm/offline.c');
    await c.open('mm/pte_walk.c');
    await c.open('mm/pte_walk.c');
    await c.indexed();
    await c.diagnosticsFor('mm/offline.c', (ds) => ds.some((d) => d.code === 'PC001'));
  });
  after(async () => { await c?.stop(); fx?.dispose(); });

  it('on a parameter\'s ZONE_DEVICE test: verdict, rule, origin with a link, the missing pin, the callers', async () => {
    const text = c.text('mm/offline.c');
    const h = await c.hover('mm/offline.c', posOf(text, 'is_zone_device_page'));
    const v = value(h);
    assert.equal((h!.contents as MarkupContent).kind, 'markdown');
    assert.match(v, /is_zone_device_page\(page\)`: \*\*unsafe\*\* — PC001/);
    assert.match(v, /pfn_valid\(\)/);
    const link = `[drivers/base/offline_store.c:16](${c.uri('drivers/base/offline_store.c')}#L16)`;
    assert.ok(v.includes(link), `a file:line link to the caller: ${v}`);
    assert.match(v, /\*\*Missing pin\*\*: nothing pins it/);
    assert.match(v, /\*\*Callers of `offline_one_page\(\)`\*\*[^\n]*\n- `offline_store\(\)` \(\[drivers\/base\/offline_store\.c:16\][^\n]*\*\*unsafe\*\*/);
    assert.equal(h!.range!.start.line, lineOf(text, 'is_zone_device_page'));
  });

  it('on a test judged safe: what pins it', async () => {
    const text = c.text('mm/pte_walk.c');
    const v = value(await c.hover('mm/pte_walk.c', posOf(text, 'is_zone_device_page', 'ret = is_zone_device_page')));
    assert.match(v, /\*\*safe\*\*/);
    assert.match(v, /\*\*What pins it\*\*: get_page\(\) in count_device_pte_ref\(\)/);
  });

  it('on a page variable: where it came from and what a test on it would be', async () => {
    const text = c.text('mm/pte_walk.c');
    const v = value(await c.hover('mm/pte_walk.c', posOf(text, 'page)', 'put_page(page)')));
    assert.match(v, /`page` in `count_device_pte_ref\(\)`: a ZONE_DEVICE test on it here would be \*\*safe\*\*/);
    assert.match(v, /- get_page\(\)[^\n]*takes a page reference[^\n]*\*\*safe\*\*/);
    // Before the reference is taken, the same variable is a raw page-table decode.
    const before = value(await c.hover('mm/pte_walk.c', posOf(text, 'page)', 'get_page(page)')));
    assert.match(before, /would be \*\*unsafe\*\*/);
    assert.match(before, /page from pte_page\(\)/);
  });

  it('on pte_page(): its contract and the tests that depend on it', async () => {
    const text = c.text('mm/pte_walk.c');
    const v = value(await c.hover('mm/pte_walk.c', posOf(text, 'pte_page')));
    assert.match(v, /`pte_page\(\)` returns a raw page-table decode: no reference is taken/);
    assert.match(v, /`is_zone_device_page\(page\)` at \[mm\/pte_walk\.c:12\][^\n]*\*\*unsafe\*\* \(PC001\)/);
  });

  it('on a parameter with no caller in the tree: what a caller must hold', async () => {
    await c.open('mm/unknown.c');
    await c.diagnosticsFor('mm/unknown.c', (ds) => ds.length > 0);
    const v = value(await c.hover('mm/unknown.c', posOf(c.text('mm/unknown.c'), 'is_zone_device_page')));
    assert.match(v, /\*\*unknown\*\* — PC005/);
    assert.match(v, /a caller must hold a page reference/);
  });

  it('nothing to say on plain code', async () => {
    const text = c.text('mm/pte_walk.c');
    assert.equal(await c.hover('mm/pte_walk.c', posOf(text, 'return 0;')), null);
  });
});
