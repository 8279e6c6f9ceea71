// The tree run's pipeline (engine/demand/tree-run.ts): in worker threads, the seed's parse overlaps the index (a file
// that turns out a seed candidate is parsed by the thread that indexed it), and a cold run takes each file's
// fingerprint as it reads it. Neither may change the answer: it stays the one parsing every file gives, cold and warm.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CParser, FileFacts, Program, contractTable, factsForText } from '../engine/index';
import { auditTree, TreeFile } from '../engine/demand/tree-run';
import { readSource, toPosix, walkCFiles } from '../engine/files/workspace';

const REPO = path.resolve(__dirname, '..');
const FIX = path.join(REPO, 'test', 'fixtures-plan');
const WORKER = path.join(REPO, 'dist', 'worker.js');
/** Files added so that the index runs in threads (tree-run.ts starts them from 192 files to index). */
const FILLERS = 240;

function treeFiles(root: string): TreeFile[] {
  return walkCFiles(root).files.map((file) => ({ file, rel: toPosix(path.relative(root, file)) }));
}

function answer(program: Program) {
  const r = program.audit();
  return { findings: r.findings.map((f) => ({ ...f, sink: undefined })), functions: r.functions };
}

async function parseEverything(files: TreeFile[]): Promise<FileFacts[]> {
  const parser = await CParser.create();
  const table = contractTable();
  const out: FileFacts[] = [];
  for (const f of files) {
    const r = readSource(f.file);
    if ('text' in r) out.push(factsForText(parser, f.rel, r.text, table));
  }
  parser.delete();
  return out;
}

describe('the tree run in threads (engine/demand/tree-run.ts)', function () {
  this.timeout(300000);
  let dir: string;
  before(function () {
    if (!fs.existsSync(WORKER)) this.skip(); // `npm test` builds dist/ first
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-tree-run-'));
    fs.cpSync(FIX, path.join(dir, 'tree'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'tree', 'lib', 'filler'));
    for (let i = 0; i < FILLERS; i++) fs.writeFileSync(path.join(dir, 'tree', 'lib', 'filler', `f${i}.c`), `int filler_${i}(int x)\n{\n\treturn x + ${i};\n}\n`);
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('parses the seed while indexing: the answer of parsing everything, cold and warm', async () => {
    const root = path.join(dir, 'tree');
    const files = treeFiles(root);
    const full = answer(new Program(await parseEverything(files)));
    const opts = { jobs: 2, policy: 'demand' as const, cacheDir: path.join(dir, 'cache'), workerScript: WORKER };
    const cold = await auditTree(root, files, opts);
    assert.deepEqual(answer(cold.program), full);
    assert.equal(cold.stats.warm, 'cold');
    // The index threads parsed exactly the seed the plan's first round asked for (its jobs then came from the run's cache).
    assert.ok(cold.rounds[0].files > 0);
    assert.equal(cold.stats.seeded, cold.rounds[0].files, JSON.stringify(cold.stats));
    assert.ok(cold.stats.filesParsed < files.length / 2, 'not one filler parsed');
    // The fingerprints the index took are the ones a warm run compares: the plan is reused whole.
    const warm = await auditTree(root, files, opts);
    assert.equal(warm.stats.warm, 'full');
    assert.equal(warm.stats.filesScanned, 0);
    assert.deepEqual(answer(warm.program), full);
    // An edit: that file is read again, the rest comes from the cache.
    const edited = path.join(root, 'kernel', 'tally.c');
    fs.appendFileSync(edited, '\n/* touched */\n');
    const again = await auditTree(root, files, opts);
    assert.equal(again.stats.warm, 'partial');
    assert.equal(again.stats.filesScanned, 1);
    assert.deepEqual(answer(again.program), answer(new Program(await parseEverything(files))));
  });
});
