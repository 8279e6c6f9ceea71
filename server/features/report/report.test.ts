// The report: the engine's rows and totals (shared with the CLI's --format report), the tree the VS Code view shows
// and the Markdown document, with counts that agree with the status bar and the Problems panel. In process.
import { strict as assert } from 'node:assert';
import { auditTexts, renderReportText } from '../../../engine';
import { Headless } from '../../core/headless';
import { copyFixtures } from '../../../test/server/fixtures';
import { renderReport, reportTree } from './report';

const PFN_SCAN = `#include <linux/mm.h>
int scan_nid(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return -1;
	page = pfn_to_page(pfn);
	return page_to_nid(page);
}
bool reserved(unsigned long pfn)
{
	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn));
	return true;
}
/* pagecheck: ignore PC003 -- boot-time scan of memory that is always online */
int scan_boot(unsigned long pfn) { if (!pfn_valid(pfn)) return -1; return page_to_nid(pfn_to_page(pfn)); }
`;

describe('features: report', () => {
  it('text (--format report): the seed list, then the memmap reads in a section of their own, both in the totals', async () => {
    const { result } = await auditTexts([{ path: 'mm/scan.c', text: PFN_SCAN }]);
    const text = renderReportText(result);
    assert.equal(text, [
      'Memmap reads (PC003, PC004):',
      '',
      'mm/scan.c:',
      '  scan_nid() line 9: unsafe (PC003), page_to_nid() reads the memmap of a page whose pfn was checked only by pfn_valid(): pfn_valid() does not mean the memmap is initialized',
      `  reserved() line 14: unsafe (PC004), ${result.findings.find((f) => f.rule === 'PC004')!.message.replace(/^unsafe: /, '')}`,
      `  scan_boot() line 18: unsafe (PC003), ${result.findings.find((f) => f.fn === 'scan_boot')!.message.replace(/^unsafe: /, '')} [suppressed: boot-time scan of memory that is always online]`,
      '',
      '0 functions with a ZONE_DEVICE test: 0 safe, 0 unsafe, 0 unsafe? HMM, 0 unknown; 2 memmap reads: 1 PC003, 1 PC004 (1 more suppressed)',
      '',
    ].join('\n'));
  });

  describe('in the editor', () => {
    let fx: ReturnType<typeof copyFixtures>;
    let h: Headless;
    before(async () => {
      fx = copyFixtures();
      h = await Headless.start(fx.dir);
      h.open('mm/pte_walk.c');
      await h.settled();
    });
    after(() => { h?.dispose(); fx?.dispose(); });

    it('the tree: sections → files → rows with their locations; the counts of the status bar and the Problems panel', async () => {
      const w = (await h.core.workspaceAudit())!;
      const t = reportTree(w, (n) => h.uri(n));
      const shown = [...h.published.values()].flatMap((d) => d.findings).filter((f) => f.verdict === 'unsafe' && !f.suppressed).length;
      assert.equal(t.shownUnsafe, shown);
      assert.equal(t.shownUnsafe, 1);
      assert.equal(t.workspaceUnsafe, 10);
      assert.equal(t.summary, '1 unsafe finding in the open files (the Problems panel and the status bar), 10 in the workspace. 8 files indexed.');
      assert.deepEqual(t.sections.map((s) => [s.id, s.label, s.description]), [
        ['tests', 'ZONE_DEVICE tests', '9 functions: 6 unsafe, 1 unsafe? HMM, 1 unknown, 1 safe'],
        ['memmap', 'Memmap reads (PC003, PC004)', '2 PC003, 1 PC004'],
      ]);
      const pte = t.sections[0].files.find((f) => f.file === 'mm/pte_walk.c')!;
      assert.equal(pte.verdict, 'unsafe');
      assert.deepEqual(pte.rows.map((r) => [r.label, r.verdict, r.rule ?? null]), [
        ['count_device_pte(): unsafe', 'unsafe', 'PC001'],
        ['count_device_pte_ref(): safe', 'safe', null],
      ]);
      const safe = pte.rows[1];
      assert.match(safe.description, /^page reference is held: get_page\(\) \(:\d+\)/);
      assert.equal(safe.uri, h.uri('mm/pte_walk.c'));
      // A click goes to the test itself.
      const text = require('node:fs').readFileSync(`${fx.dir}/mm/pte_walk.c`, 'utf8').split('\n');
      assert.match(text[safe.range.start.line].slice(safe.range.start.character), /^is_zone_device_page\(/);
      const memmap = t.sections[1].files.flatMap((f) => f.rows);
      assert.deepEqual(memmap.map((r) => r.rule), ['PC003', 'PC003', 'PC004']);
      assert.ok(memmap.every((r) => /^\w+\(\) line \d+: unsafe \(PC00[34]\)$/.test(r.label)), JSON.stringify(memmap));
      // The status bar says the same.
      await new Promise((r) => setTimeout(r, 1200));
      await h.settled();
      assert.equal(h.status?.unsafe, 1);
      assert.equal(h.status?.workspaceUnsafe, 10);
    });

    it('the Markdown document: the counts, every row a link to its line, the totals of both sections', async () => {
      const w = (await h.core.workspaceAudit())!;
      const md = renderReport(w, (n) => h.uri(n));
      assert.match(md, /^# pagecheck report\n\n1 unsafe finding in the open files/);
      assert.ok(md.includes(`### mm/pte_walk.c\n\n- [count_device_pte(): unsafe](${h.uri('mm/pte_walk.c')}#L12), nothing keeps`), md);
      assert.match(md, /## Memmap reads \(PC003, PC004\)\n\n### mm\/pfn_scan\.c\n\n- \[\w+\(\) line \d+: unsafe \(PC003\)\]\(file:/);
      assert.match(md, /\*\*Totals\*\*: 9 functions with a ZONE_DEVICE test: 1 safe, 6 unsafe, 1 unsafe\? HMM, 1 unknown; 3 memmap reads: 2 PC003, 1 PC004\./);
    });
  });
});
