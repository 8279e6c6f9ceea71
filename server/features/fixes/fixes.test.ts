// Quick fixes in process: the suppression leaves a placeholder that is no reason (a snippet tab stop in VS Code),
// and an action two findings share is offered once.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SUPPRESSION_REASON_PLACEHOLDER } from '../../../engine';
import { SUPPRESSION_PLACEHOLDER as CLIENT_PLACEHOLDER } from '../../protocol/extensions';
import { Headless } from '../../core/headless';
import { toRange } from '../../core/types';
import { quickFixes } from './actions';

const SCAN = `#include <linux/mm.h>

bool movable(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	if (PageOffline(page) && page_count(page))
		return false;
	return true;
}
`;

describe('features: quick fixes', () => {
  let dir: string;
  let h: Headless;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-fixes-'));
    fs.mkdirSync(path.join(dir, 'mm'));
    fs.writeFileSync(path.join(dir, 'mm', 'scan.c'), SCAN);
    h = await Headless.start(dir);
    h.open('mm/scan.c');
    await h.settled();
  });
  afterEach(async () => { await h?.settled(); });
  after(() => { h?.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('the client and the engine agree on the placeholder', () => {
    assert.equal(CLIENT_PLACEHOLDER, SUPPRESSION_REASON_PLACEHOLDER);
  });

  it('two findings on one line share their fixes: each action once', () => {
    const uri = h.uri('mm/scan.c');
    const findings = h.published.get(uri)!.findings;
    assert.deepEqual(findings.map((f) => [f.rule, f.loc.line]), [['PC003', 9], ['PC003', 9]]);
    const diagnostics = findings.map((f) => ({ source: 'pagecheck', code: f.rule, range: toRange(f.loc), data: { line: f.loc.line, col: f.loc.col } }));
    const line = { start: { line: 9, character: 0 }, end: { line: 9, character: 100 } };
    for (const req of [{ range: line, diagnostics }, { range: line, diagnostics: [] }]) {
      const titles = quickFixes(h.snapshot(uri)!, req).map((a) => a.fix.title);
      assert.deepEqual(titles, ['Use pfn_to_online_page(pfn) instead of pfn_valid() + pfn_to_page()', 'Suppress PC003 here (with a reason to fill in)']);
    }
  });

  it('the suppression leaves the placeholder, which suppresses nothing', async () => {
    const uri = h.uri('mm/scan.c');
    const f = h.published.get(uri)!.findings[0];
    const fix = quickFixes(h.snapshot(uri)!, { range: toRange(f.loc), diagnostics: [] }).find((a) => /^Suppress/.test(a.fix.title))!.fix;
    assert.deepEqual(fix.edits.map((e) => e.newText), [`\t/* pagecheck: ignore PC003 -- ${SUPPRESSION_REASON_PLACEHOLDER} */\n`]);
    const text = TextDocument.applyEdits(TextDocument.create(uri, 'c', 1, SCAN), fix.edits);
    h.edit(uri, text);
    await h.settled();
    const after = h.snapshot(uri)!.findings;
    h.edit(uri, SCAN);
    assert.ok(after.some((x) => x.rule === 'PC000'), JSON.stringify(after.map((x) => [x.rule, x.suppressed])));
    assert.ok(!after.some((x) => x.suppressed), 'the placeholder suppresses nothing');
  });
});
