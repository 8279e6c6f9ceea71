// The PC002 quick fix is honest per kernel version: before the per-page pgmap reference (5.4, the seed's model)
// is_device_private_page() is the driver-managed remedy and the rewrite removes the finding; since it (6.1) the
// predicate dereferences page->pgmap like the others, so the rewrite would leave the same finding and is not offered.
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser, auditTexts, contractTable } from '../../engine';
import { fixesFor } from '../../server/features/fixes/fixes';

const TEXT = `#include <linux/migrate.h>

static bool demo_is_device(struct migrate_vma *args, unsigned long i)
{
	struct page *page = migrate_pfn_to_page(args->src[i]);

	get_page(page);
	return is_zone_device_page(page);
}

static bool demo_snapshot(unsigned long *pfns, unsigned long i)
{
	struct page *page = hmm_pfn_to_page(pfns[i]);

	return is_zone_device_page(page);
}
`;

async function pc002(version: string) {
  const { result } = await auditTexts([{ path: 'mm/demo.c', text: TEXT }], [], version);
  const parser = await CParser.create();
  const parsed = parser.parse(TEXT)!;
  const doc = TextDocument.create('file:///mm/demo.c', 'c', 1, TEXT);
  try {
    return result.findings.filter((f) => f.rule === 'PC002').map((f) => ({ fn: f.fn, titles: fixesFor(f, doc, parsed.tree.rootNode, contractTable([], version)).map((x) => x.title) }));
  } finally {
    parsed.tree.delete();
    parser.delete();
  }
}

describe('quick fixes per kernel version: PC002', () => {
  it('5.4: both device-private pages are PC002, and the predicate rewrite is offered', async () => {
    const got = await pc002('5.4');
    assert.deepEqual(got.map((g) => g.fn), ['demo_is_device', 'demo_snapshot']);
    for (const g of got) assert.match(g.titles[0], /^Test is_device_private_page\(page\) instead/);
  });

  it('6.1: the referenced page is safe; the snapshot stays PC002 and only the suppression is offered', async () => {
    const got = await pc002('6.1');
    assert.deepEqual(got, [{ fn: 'demo_snapshot', titles: ['Suppress PC002 here (with a reason to fill in)'] }]);
  });
});
