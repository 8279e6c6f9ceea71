// Findings first (engine/demand/focus.ts) must give exactly the answer of summarising every function: the same findings
// (reasons, provenance chains) and per-function verdicts in every file of the tree, not only the buffers'. Each file
// of a tree is taken as the open buffer, with the other files' facts complete (a built index) or absent (a cold
// workspace), one buffer at a time and several at once; completing the buffer in slices must then give exactly
// factsFromTree's facts. On test/fixtures/ (each directory a tree), test/fixtures-plan/ and the real 6.1 mm/.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CParser, ContractTable, FileFacts, Program, contractTable, factsFromTree } from '../engine/index';
import { PartialFile, focus } from '../engine/demand/focus';
import { readSource, toPosix, walkCFiles } from '../engine/files/workspace';

const REPO = path.resolve(__dirname, '..');
const KERNEL = path.join(REPO, '.kernel', 'linux-source-6.1');
const OPTS = { collectUses: true };

interface Source { rel: string; text: string }

function sources(root: string): Source[] {
  return walkCFiles(root).files.map((f) => {
    const r = readSource(f);
    return { rel: toPosix(path.relative(root, f)), text: 'text' in r ? r.text : '' };
  }).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** What a user sees of an audit: every file's findings and per-function verdicts, in a deterministic order. */
function answer(facts: FileFacts[]) {
  const r = new Program(facts).audit();
  return { findings: r.findings.map((f) => ({ ...f, sink: undefined })), functions: r.functions };
}

interface Outcome { summarised: number; total: number; rounds: number }

class Tree {
  readonly full: FileFacts[];

  constructor(private readonly parser: CParser, private readonly contracts: ContractTable, readonly files: Source[]) {
    this.full = files.map((f) => this.facts(f));
  }

  private facts(f: Source): FileFacts {
    const parsed = this.parser.parse(f.text)!;
    try { return factsFromTree(parsed.tree, f.rel, f.text, this.contracts, OPTS); } finally { parsed.tree.delete(); }
  }

  /**
   * `buffers` summarised findings first, the other files complete (`context`) or left out: the answer must be that
   * of complete facts over the same files. Then the buffers are completed in slices and compared with
   * factsFromTree's facts.
   */
  check(buffers: string[], context: boolean): Outcome {
    const parsed = buffers.map((rel) => {
      const f = this.files.find((x) => x.rel === rel)!;
      return { f, p: this.parser.parse(f.text)! };
    });
    try {
      const partial = parsed.map(({ f, p }) => new PartialFile(f.rel, f.text, p.tree, this.contracts, OPTS));
      const others = context ? this.full.filter((x) => !buffers.includes(x.file)) : [];
      const stats = focus(partial, others, this.contracts);
      const order = (list: FileFacts[]) => list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      const focused = order([...partial.map((p) => p.facts!), ...others]);
      const complete = order(this.full.filter((x) => buffers.includes(x.file) || context));
      const label = `${buffers.join(' + ')} (${context ? 'with the other files' : 'alone'})`;
      assert.deepEqual(answer(focused), answer(complete), label);
      const outcome: Outcome = { summarised: 0, total: 0, rounds: stats.rounds };
      for (const p of partial) {
        outcome.summarised += p.progress.done;
        outcome.total += p.progress.total;
        while (!p.complete) p.addUntil(performance.now() + 2);
        assert.deepEqual(p.facts, this.full.find((x) => x.file === p.file), `${p.file} completed in slices`);
      }
      return outcome;
    } finally {
      for (const { p } of parsed) p.tree.delete();
    }
  }
}

describe('findings first (engine/demand/focus.ts)', function () {
  this.timeout(600000);
  let parser: CParser;
  const contracts = contractTable();
  before(async () => { parser = await CParser.create(); });
  after(() => parser?.delete());

  const trees = [
    ...fs.readdirSync(path.join(REPO, 'test', 'fixtures'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join('test', 'fixtures', e.name)),
    path.join('test', 'fixtures-plan'),
  ];

  it('gives the findings and verdicts of complete facts on every fixture tree, each file as the buffer', () => {
    let partial = 0;
    let asked = 0;
    for (const dir of trees) {
      const tree = new Tree(parser, contracts, sources(path.join(REPO, dir)));
      for (const f of tree.files) {
        for (const context of [true, false]) {
          const o = tree.check([f.rel], context);
          if (o.summarised < o.total) partial++;
          if (o.rounds > 1) asked++;
        }
      }
      // Every file of the tree open at once.
      tree.check(tree.files.map((f) => f.rel), false);
    }
    // Not vacuous: buffers were summarised in part, and the walk asked them for callers or definitions.
    assert.ok(partial > 20, `partial buffers: ${partial}`);
    assert.ok(asked > 5, `buffers asked for more than the seed: ${asked}`);
  });

  it('pulls in what another file\'s finding needs: a RET definition and a caller in the buffer', () => {
    const files: Source[] = [
      {
        rel: 'drivers/user.c',
        text: `struct page *pick_page(struct page *page);
void check_dev(struct page *page);

int use_pfn(unsigned long pfn)
{
	struct page *page = pick_page(pfn_to_page(pfn));

	return is_zone_device_page(page);
}

void check_dev(struct page *page)
{
	if (is_zone_device_page(page))
		return;
}
`,
      },
      {
        rel: 'mm/helpers.c',
        text: `${fillers(12)}
struct page *pick_page(struct page *page)
{
	return page;
}

void scan_one(unsigned long nr)
{
	check_dev(nth_page(NULL, nr));
}

void scan_raw(unsigned long pfn)
{
	check_dev(pfn_to_page(pfn));
}
${fillers(12, 'tail')}`,
      },
    ];
    const tree = new Tree(parser, contracts, files);
    const rules = answer(tree.full).findings.map((f) => `${f.rule} ${f.fn}`);
    assert.ok(rules.includes('PC001 use_pfn'), rules.join(', '));
    assert.ok(rules.includes('PC001 check_dev'), rules.join(', '));
    const o = tree.check(['mm/helpers.c'], true);
    assert.ok(o.summarised < o.total && o.rounds > 1, JSON.stringify(o));
  });

  describe('on the real kernel (6.1 mm/)', () => {
    let tree: Tree;
    before(function () {
      if (!fs.existsSync(path.join(KERNEL, 'mm', 'memory.c'))) { console.log('      skip: no kernel tree (bash scripts/kernel.sh)'); this.skip(); }
      tree = new Tree(parser, contracts, sources(path.join(KERNEL, 'mm')));
    });

    for (const rel of ['memory.c', 'page_alloc.c', 'memremap.c', 'hmm.c', 'migrate.c', 'memory-failure.c', 'gup.c']) {
      it(`mm/${rel}: with the rest of mm/ indexed and alone`, () => {
        const withContext = tree.check([rel], true);
        const alone = tree.check([rel], false);
        assert.ok(withContext.summarised < withContext.total, JSON.stringify(withContext));
        assert.ok(alone.summarised < alone.total, JSON.stringify(alone));
      });
    }

    it('several buffers at once (memory.c, memremap.c, migrate.c)', () => {
      tree.check(['memory.c', 'memremap.c', 'migrate.c'], true);
      tree.check(['memory.c', 'memremap.c', 'migrate.c'], false);
    });
  });
});

/** Functions no finding needs (filler around the interesting ones). */
function fillers(n: number, tag = 'fill'): string {
  let out = '';
  for (let i = 0; i < n; i++) out += `\nstatic int ${tag}_${i}(int x)\n{\n\treturn x * ${i} + 1;\n}\n`;
  return out;
}
