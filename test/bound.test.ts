// The work of one run is bounded (engine/demand/plan.ts PlanBudget): a tree built to defeat the planner — names that
// chain from file to file, one more caller discovered per round, many callers per level — is planned for at most
// the budget's rounds, then the rest is parsed whole in one last round, and the answer is still the answer of
// parsing everything. Counts, not times. Also: the parse-everything policy of small trees runs through the same
// pipeline and its cache (every function summarised, warm on the second run).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CParser, FileFacts, Program, contractTable, factsForText } from '../engine/index';
import { auditTree, treePolicy, TreeFile } from '../engine/demand/tree-run';
import { readSource, toPosix, walkCFiles } from '../engine/files/workspace';

const LEVELS = 30;
const WIDTH = 3;

/**
 * Level 0 holds a ZONE_DEVICE test on a parameter; every function of level k+1 calls every function of level k with
 * its own parameter, one file per function, and names no page API: only the chain of callers reaches it. Files
 * that mention nothing of the chain sit beside it. A demand-driven plan needs one round per level.
 */
function chainTree(dir: string): void {
  const fn = (k: number, j: number) => `step_${k}_${j}`;
  for (let j = 0; j < WIDTH; j++) {
    fs.mkdirSync(path.join(dir, 'mm'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'mm', `sink_${j}.c`), `bool ${fn(0, j)}(struct page *page)\n{\n\treturn is_zone_device_page(page);\n}\n`);
  }
  for (let k = 1; k <= LEVELS; k++) {
    fs.mkdirSync(path.join(dir, `lvl${k}`), { recursive: true });
    for (let j = 0; j < WIDTH; j++) {
      const calls = Array.from({ length: WIDTH }, (_, i) => `\t${fn(k - 1, i)}(p);`).join('\n');
      fs.writeFileSync(path.join(dir, `lvl${k}`, `f${j}.c`), `int ${fn(k, j)}(struct page *p)\n{\n${calls}\n\treturn 0;\n}\n`);
    }
  }
  // The top of the chain: a caller that hands over a page-table decode (the verdict depends on the whole chain).
  fs.writeFileSync(path.join(dir, 'top.c'), `void top(pte_t pte)\n{\n\t${fn(LEVELS, 0)}(pte_page(pte));\n}\n`);
  fs.mkdirSync(path.join(dir, 'other'), { recursive: true });
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, 'other', `o${i}.c`), `int other_${i}(int x)\n{\n\treturn x + ${i};\n}\n`);
}

function treeFiles(root: string): TreeFile[] {
  return walkCFiles(root).files.map((file) => ({ file, rel: toPosix(path.relative(root, file)) }));
}

async function parseEverything(files: TreeFile[]): Promise<FileFacts[]> {
  const parser = await CParser.create();
  const table = contractTable();
  const out: FileFacts[] = [];
  for (const f of files) { const r = readSource(f.file); if ('text' in r) out.push(factsForText(parser, f.rel, r.text, table)); }
  parser.delete();
  return out;
}

function answer(program: Program) {
  const r = program.audit();
  return { findings: r.findings.map((f) => ({ ...f, sink: undefined })), functions: r.functions };
}

describe('the bound on a run\'s work', function () {
  this.timeout(120000);
  let dir: string;
  let files: TreeFile[];
  let full: ReturnType<typeof answer>;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-bound-'));
    chainTree(dir);
    files = treeFiles(dir);
    full = answer(new Program(await parseEverything(files)));
    assert.ok(full.findings.some((f) => f.rule === 'PC001' && f.fn === 'step_0_0'), 'the page-table decode at the top reaches the sink');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the tree defeats the planner: unbounded, one round per level', async () => {
    const t = await auditTree(dir, files, { jobs: 1, policy: 'demand', cacheDir: false, budget: { maxRounds: Infinity, maxBytes: Infinity } });
    assert.ok(t.stats.rounds! > LEVELS, `rounds: ${t.stats.rounds}`);
    assert.equal(t.stats.everything, false);
    assert.deepEqual(answer(t.program), full);
  });

  it('past maxRounds, the rest is parsed whole in one round: rounds and parse jobs bounded, same answer', async () => {
    const maxRounds = 5;
    const t = await auditTree(dir, files, { jobs: 1, policy: 'demand', cacheDir: false, budget: { maxRounds } });
    assert.equal(t.stats.everything, true);
    // The seed, maxRounds rounds of planning, and the one round that parses what is left.
    assert.ok(t.rounds.length <= maxRounds + 2, `rounds: ${t.rounds.length}`);
    assert.ok(t.rounds[t.rounds.length - 1].everything, 'the last round parsed everything left');
    // Every file is handed out at most once before the switch (each level is new) and once in it.
    assert.ok(t.stats.work!.jobs <= 2 * files.length, `parse jobs: ${t.stats.work!.jobs} for ${files.length} files`);
    // Tree-sitter parses each file once: a file planned before the switch is summarised whole from its kept tree.
    assert.ok(t.stats.parses! <= files.length, `parses: ${t.stats.parses} for ${files.length} files`);
    assert.deepEqual(answer(t.program), full);
  });

  it('past maxBytes, the same: the bytes handed out never exceed the budget plus the tree once', async () => {
    const treeBytes = files.reduce((n, f) => n + fs.statSync(f.file).size, 0);
    const maxBytes = Math.floor(treeBytes / 10);
    const t = await auditTree(dir, files, { jobs: 1, policy: 'demand', cacheDir: false, budget: { maxBytes } });
    assert.equal(t.stats.everything, true);
    assert.ok(t.stats.work!.bytes <= maxBytes + treeBytes, `${t.stats.work!.bytes} bytes for a budget of ${maxBytes} and a tree of ${treeBytes}`);
    assert.deepEqual(answer(t.program), full);
  });

  it('in worker threads too', async function () {
    const worker = path.resolve(__dirname, '..', 'dist', 'worker.js');
    if (!fs.existsSync(worker)) this.skip(); // `npm test` builds dist/ first
    const t = await auditTree(dir, files, { jobs: 2, policy: 'demand', cacheDir: false, workerScript: worker, budget: { maxRounds: 3 } });
    assert.equal(t.stats.everything, true);
    assert.deepEqual(answer(t.program), full);
  });
});

describe('the parse-everything policy', function () {
  this.timeout(60000);

  it('small trees are parsed whole, big ones on demand', () => {
    assert.equal(treePolicy(10), 'everything');
    assert.equal(treePolicy(5000), 'demand');
  });

  it('is the same run: every function summarised, cached, warm the second time, the answer of parsing everything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-everything-'));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-everything-cache-'));
    try {
      chainTree(dir);
      const files = treeFiles(dir);
      const all = await parseEverything(files);
      const cold = await auditTree(dir, files, { jobs: 1, policy: 'everything', cacheDir: cache, version: 'test' });
      assert.equal(cold.stats.policy, 'everything');
      assert.equal(cold.stats.warm, 'cold');
      assert.equal(cold.stats.rounds, 1);
      assert.equal(cold.facts.length, files.length);
      assert.equal(cold.facts.reduce((n, f) => n + f.functions.length, 0), all.reduce((n, f) => n + f.functions.length, 0));
      assert.deepEqual(answer(cold.program), answer(new Program(all)));
      const warm = await auditTree(dir, files, { jobs: 1, policy: 'everything', cacheDir: cache, version: 'test' });
      assert.equal(warm.stats.warm, 'full');
      assert.equal(warm.stats.parses ?? 0, 0);
      assert.deepEqual(answer(warm.program), answer(cold.program));
      // The other policy on the same cache plans anew (a plan is reused only under the policy that made it) and
      // answers from the whole-file facts already cached: nothing is parsed again.
      const demand = await auditTree(dir, files, { jobs: 1, policy: 'demand', cacheDir: cache, version: 'test' });
      assert.notEqual(demand.stats.warm, 'full');
      assert.equal(demand.stats.filesParsedNow, 0);
      assert.deepEqual(answer(demand.program), answer(cold.program));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
