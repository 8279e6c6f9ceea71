// Hover: a ZONE_DEVICE test, a page variable, a call that makes a page — in a reviewer's words, with links.
// In process: the core (Headless) on a copy of the server fixture tree, the feature called on its snapshot.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Headless } from '../../core/headless';
import { copyFixtures, lineOf, posOf } from '../../../test/server/fixtures';
import { HoverInfo, hoverAt } from './hover';

class Client {
  constructor(readonly h: Headless) {}
  text(rel: string): string { return fs.readFileSync(path.join(this.h.root, rel), 'utf8'); }
  uri(rel: string): string { return this.h.uri(rel); }
  async open(rel: string): Promise<void> { this.h.open(rel); await this.h.settled(); }
  async hover(rel: string, pos: { line: number; character: number }, markdown = true): Promise<HoverInfo | null> {
    const snap = this.h.snapshot(this.h.uri(rel));
    return snap ? hoverAt({ ...snap, markdown }, pos) : null;
  }
}
const value = (h: HoverInfo | null) => (h ? h.text : '');

describe('features: hover', () => {
  let fx: ReturnType<typeof copyFixtures>;
  let c: Client;
  before(async () => {
    fx = copyFixtures();
    c = new Client(await Headless.start(fx.dir));
    await c.open('mm/offline.c');
    await c.open('mm/pte_walk.c');
  });
  after(() => { c?.h.dispose(); fx?.dispose(); });

  it('on a parameter\'s ZONE_DEVICE test: verdict, rule, origin with a link, the missing pin, the callers', async () => {
    const text = c.text('mm/offline.c');
    const h = await c.hover('mm/offline.c', posOf(text, 'is_zone_device_page'));
    const v = value(h);
    assert.equal(h!.markdown, true);
    assert.match(v, /is_zone_device_page\(page\)`: \*\*unsafe\*\* — PC001/);
    assert.match(v, /pfn_valid\(\)/);
    const link = `[drivers/base/offline_store.c:16](${c.uri('drivers/base/offline_store.c')}#L16)`;
    assert.ok(v.includes(link), `a file:line link to the caller: ${v}`);
    assert.match(v, /\*\*Missing pin\*\*: nothing pins it/);
    assert.match(v, /\*\*Callers of `offline_one_page\(\)`\*\*[^\n]*\n- `offline_store\(\)` \(\[drivers\/base\/offline_store\.c:16\][^\n]*\*\*unsafe\*\*/);
    assert.equal(h!.range.start.line, lineOf(text, 'is_zone_device_page'));
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
    const v = value(await c.hover('mm/unknown.c', posOf(c.text('mm/unknown.c'), 'is_zone_device_page')));
    assert.match(v, /\*\*unknown\*\* — PC005/);
    assert.match(v, /a caller must hold a page reference/);
  });

  it('nothing to say on plain code', async () => {
    const text = c.text('mm/pte_walk.c');
    assert.equal(await c.hover('mm/pte_walk.c', posOf(text, 'return 0;')), null);
  });
});
