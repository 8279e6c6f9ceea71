// Hover: a ZONE_DEVICE test, a page variable, a call that makes a page — in a reviewer's words, with links.
// In process: the core (Headless) on a copy of the server fixture tree, the feature called on its snapshot.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { helpUri } from '../../../engine';
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

  it('on a parameter\'s ZONE_DEVICE test: the verdict line, the pins held and missing, the callers worst first', async () => {
    const text = c.text('mm/offline.c');
    const h = await c.hover('mm/offline.c', posOf(text, 'is_zone_device_page'));
    assert.equal(h!.markdown, true);
    const caller = `[drivers/base/offline_store.c:16](${c.uri('drivers/base/offline_store.c')}#L16)`;
    // Compact: no repetition of the diagnostic's message (the editor shows it beside the hover), the callers'
    // origins once (not again as this function's origins).
    assert.equal(value(h), [
      `\`is_zone_device_page(page)\`: **unsafe** — [PC001](${helpUri('PC001')}) ZONE_DEVICE test on an unpinned page`,
      '',
      '**Pins held**: none. **Missing**: pfn_to_page() takes no reference and pfn_valid() does not mean the memmap is initialized: test the pfn with pfn_to_online_page(), or pin it: get_dev_pagemap(pfn, NULL) … put_dev_pagemap().',
      '',
      '**Callers** of `offline_one_page()` (what they pass as `page`, worst first)',
      `- **unsafe** \`offline_store()\` ${caller} — page from pfn_to_page(pfn): pfn checked only by pfn_valid()`,
    ].join('\n'));
    assert.equal(h!.range.start.line, lineOf(text, 'is_zone_device_page'));
    // Plain text for clients without Markdown.
    const plain = value(await c.hover('mm/offline.c', posOf(text, 'is_zone_device_page'), false));
    assert.match(plain, /^is_zone_device_page\(page\): unsafe — PC001 <https:[^>]+> ZONE_DEVICE test on an unpinned page\n/);
    assert.ok(!plain.includes('**') && !plain.includes('`'), plain);
  });

  it('on a test judged safe: the pins held, with where', async () => {
    const text = c.text('mm/pte_walk.c');
    const v = value(await c.hover('mm/pte_walk.c', posOf(text, 'is_zone_device_page', 'ret = is_zone_device_page')));
    assert.match(v, /^`is_zone_device_page\(page\)`: \*\*safe\*\*\n/);
    assert.match(v, /\*\*Origin\*\*\n- \*\*safe\*\* get_page\(\)[^\n]*— \[mm\/pte_walk\.c:22\]/);
    assert.match(v, /\*\*Pins held\*\*: get_page\(\) in count_device_pte_ref\(\) \(\[mm\/pte_walk\.c:22\]/);
  });

  it('on a page variable: where it came from and what a test on it would be', async () => {
    const text = c.text('mm/pte_walk.c');
    const v = value(await c.hover('mm/pte_walk.c', posOf(text, 'page)', 'put_page(page)')));
    assert.match(v, /`page` in `count_device_pte_ref\(\)`: a ZONE_DEVICE test on it here would be \*\*safe\*\*/);
    assert.match(v, /- \*\*safe\*\* get_page\(\) — \[mm\/pte_walk\.c:22\]/);
    assert.match(v, /\*\*Pins held\*\*: get_page\(\) in count_device_pte_ref\(\)/);
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
    assert.match(v, /\*\*unknown\*\* — \[PC005\]/);
    assert.match(v, /a caller must hold a page reference/);
  });

  it('nothing to say on plain code', async () => {
    const text = c.text('mm/pte_walk.c');
    assert.equal(await c.hover('mm/pte_walk.c', posOf(text, 'return 0;')), null);
  });

  it('five callers at most, worst first, then "n more"; a field read named as a field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-hover-'));
    try {
      const callers = Array.from({ length: 7 }, (_, i) => i === 3
        ? `int caller_${i}(unsigned long pfn)\n{\n\tif (!pfn_valid(pfn))\n\t\treturn 0;\n\treturn check_one(pfn_to_page(pfn));\n}\n`
        : `int caller_${i}(struct page *page)\n{\n\tint r;\n\n\tget_page(page);\n\tr = check_one(page);\n\tput_page(page);\n\treturn r;\n}\n`).join('\n');
      fs.mkdirSync(path.join(dir, 'mm'));
      fs.writeFileSync(path.join(dir, 'mm', 'check.c'), `#include <linux/mm.h>\n\nint check_one(struct page *page)\n{\n\treturn is_zone_device_page(page);\n}\n\n${callers}`);
      fs.writeFileSync(path.join(dir, 'mm', 'flags.c'), '#include <linux/mm.h>\n\nunsigned long first_flags(unsigned long pfn)\n{\n\tstruct page *page;\n\n\tif (!pfn_valid(pfn))\n\t\treturn 0;\n\tpage = pfn_to_page(pfn);\n\treturn page->flags;\n}\n');
      const h = new Client(await Headless.start(dir));
      try {
        await h.open('mm/check.c');
        await h.open('mm/flags.c');
        const v = value(await h.hover('mm/check.c', posOf(h.text('mm/check.c'), 'is_zone_device_page')));
        const rows = v.split('\n').filter((l) => l.startsWith('- '));
        assert.equal(rows.length, 6, v);
        assert.match(rows[0], /^- \*\*unsafe\*\* `caller_3\(\)`/);
        assert.ok(rows.slice(1, 5).every((r) => r.startsWith('- **safe** ')), v);
        assert.equal(rows[5], '- … 2 more');
        const f = value(await h.hover('mm/flags.c', posOf(h.text('mm/flags.c'), 'page->flags')));
        assert.match(f, /^The field `page->flags` \(reads the memmap\): \*\*unsafe\*\* — \[PC003\]/);
        // A memmap read's origins carry no ZONE_DEVICE verdict words: its own rule judges it.
        assert.match(f, /\*\*Origin\*\*\n- page from pfn_to_page\(pfn\) — \[mm\/flags\.c:9\]/);
        const d = h.h.published.get(h.uri('mm/flags.c'))!.findings[0];
        assert.equal(d.message, 'unsafe: the field page->flags reads the memmap of a page whose pfn was checked only by pfn_valid(): pfn_valid() does not mean the memmap is initialized');
      } finally {
        h.h.dispose();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
