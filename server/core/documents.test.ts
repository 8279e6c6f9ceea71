// The language server's open buffers, findings first (server/core/documents.ts): a first analysis of a file with many
// functions leaves it partial with exact findings; a request completes it to exactly the facts of a full summary;
// an edit meanwhile re-plans from the summaries at hand; a complete buffer's keystroke, or a workspace too large to
// plan over, summarises at once.
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser, FileFacts, Program, contractTable, factsFromTree } from '../../engine/index';
import { OpenDocuments } from './documents';

const contracts = contractTable();

function source(fillers: number): string {
  let out = `static struct page *pick_page(struct page *page)
{
	return page;
}

static bool dev_test(struct page *page)
{
	return is_zone_device_page(page);
}

static bool local_caller(pte_t pte)
{
	return dev_test(pick_page(pte_page(pte)));
}
`;
  for (let i = 0; i < fillers; i++) out += `\nstatic int fill_${i}(int x)\n{\n\treturn x + ${i};\n}\n`;
  return out;
}

const findings = (facts: FileFacts) => new Program([facts]).audit().findings.map((f) => ({ ...f, sink: undefined }));

describe('open documents: findings first (server/core/documents.ts)', () => {
  let parser: CParser;
  let docs: OpenDocuments;
  before(async () => { parser = await CParser.create(); });
  after(() => parser?.delete());
  beforeEach(() => { docs = new OpenDocuments(parser); });
  afterEach(() => docs.dispose());

  function full(text: string): FileFacts {
    const p = parser.parse(text)!;
    try { return factsFromTree(p.tree, 'mm/a.c', text, contracts, { collectUses: true }); } finally { p.tree.delete(); }
  }

  it('a first analysis is partial with exact findings; a request completes it to the full facts', () => {
    const text = source(30);
    const d = docs.open(TextDocument.create('file:///a.c', 'c', 1, text), 'mm/a.c');
    assert.equal(docs.update(d, contracts), false);
    assert.ok(d.partial && d.fresh && !d.complete);
    docs.focus([], contracts);
    assert.ok(d.facts!.functions.length < 33, `summarised ${d.facts!.functions.length}`);
    assert.deepEqual(findings(d.facts!), findings(full(text)));
    assert.deepEqual(docs.stale(), [d], 'a request must complete it first');
    assert.equal(docs.refresh(d, contracts), true);
    assert.ok(d.complete && !d.partial);
    assert.deepEqual(d.facts, full(text));
  });

  it('the background slices complete it too; an edit meanwhile keeps the summaries at hand', () => {
    const text = source(30);
    const d = docs.open(TextDocument.create('file:///a.c', 'c', 1, text), 'mm/a.c');
    docs.update(d, contracts);
    docs.focus([], contracts);
    docs.completeSlice(d, 0); // one function at least, whatever the deadline
    const before = new Map(d.partial!.memo);
    // An edit in one filler: the rest is taken from what was summarised.
    const edited = text.replace('return x + 7;', 'return x + 70;');
    docs.changed(TextDocument.create('file:///a.c', 'c', 2, edited));
    assert.deepEqual(docs.outdated(), [d]);
    assert.equal(docs.partials().length, 0, 'an outdated document is not completed in the background');
    assert.equal(docs.update(d, contracts), false);
    docs.focus([], contracts);
    for (const f of d.facts!.functions) if (before.has(f.hash)) assert.equal(f, before.get(f.hash), `${f.name} reused`);
    while (!docs.completeSlice(d, 0)) { /* one function per slice */ }
    assert.ok(d.complete);
    assert.deepEqual(d.facts, full(edited));
  });

  it('summarises everything when planning fails, and says so', () => {
    const text = source(30);
    const d = docs.open(TextDocument.create('file:///a.c', 'c', 1, text), 'mm/a.c');
    docs.update(d, contracts);
    const errors: unknown[] = [];
    const broken = { file: 'mm/b.c', functions: null } as unknown as FileFacts;
    docs.focus([broken], contracts, (e) => errors.push(e));
    assert.equal(errors.length, 1);
    assert.ok(d.complete);
    assert.deepEqual(d.facts, full(text));
  });

  it('summarises at once: a small file, a keystroke after a complete analysis, a workspace too large to plan over', () => {
    const small = docs.open(TextDocument.create('file:///s.c', 'c', 1, source(3)), 'mm/s.c');
    assert.equal(docs.update(small, contracts), true);
    const text = source(30);
    const d = docs.open(TextDocument.create('file:///a.c', 'c', 1, text), 'mm/a.c');
    assert.equal(docs.update(d, contracts, Infinity, 1_000_000), true, 'planning over a million functions costs more');
    assert.ok(d.complete);
    const edited = text.replace('return x + 7;', 'return x + 70;');
    docs.changed(TextDocument.create('file:///a.c', 'c', 2, edited));
    assert.equal(docs.update(d, contracts), true, 'one function changed');
    assert.deepEqual(d.facts, full(edited));
  });
});
