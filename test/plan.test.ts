// The demand-driven audit (engine/demand/plan.ts, engine/demand/tree-run.ts) must give exactly the answer parsing every file gives:
// same findings (with their reasons and provenance chains), same per-function verdicts. Checked on a small tree
// built to exercise every way a file becomes needed (test/fixtures-plan/README.md), warm and cold, in this thread
// and in worker threads, and on the real mm/ of the 6.1 tree when it is present.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CParser, FileFacts, Program, contractTable, factsForText } from '../engine/index';
import { auditTree, TreeFile, TreeRun } from '../engine/demand/tree-run';
import { jobOffsets } from '../engine/demand/plan';
import { directivesOnly, fieldKey, identHash, scanTokens } from '../engine/demand/scan';
import { WasmScanner } from '../engine/demand/wasm-scan';
import { readSource, toPosix, walkCFiles } from '../engine/files/workspace';

const REPO = path.resolve(__dirname, '..');
const FIX = path.join(REPO, 'test', 'fixtures-plan');
const KERNEL = path.join(REPO, '.kernel', 'linux-source-6.1');
const WORKER = path.join(REPO, 'dist', 'worker.js');

function treeFiles(root: string): TreeFile[] {
  return walkCFiles(root).files.map((file) => ({ file, rel: toPosix(path.relative(root, file)) }));
}

async function parseEverything(files: TreeFile[], kernelVersion?: string): Promise<FileFacts[]> {
  const parser = await CParser.create();
  const table = contractTable([], kernelVersion);
  const out: FileFacts[] = [];
  for (const f of files) {
    const r = readSource(f.file);
    if ('text' in r) out.push(factsForText(parser, f.rel, r.text, table));
  }
  parser.delete();
  return out;
}

/** The part of an audit a user sees: findings and per-function verdicts (deterministic order). */
function answer(program: Program) {
  const r = program.audit();
  return {
    findings: r.findings.map((f) => ({ ...f, sink: undefined })),
    functions: r.functions,
  };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-plan-'));
}

describe('demand-driven audit (plan)', function () {
  this.timeout(300000);

  it('gives the same findings and verdicts as parsing every file, parsing fewer files', async () => {
    const files = treeFiles(FIX);
    const full = answer(new Program(await parseEverything(files)));
    const t = await auditTree(FIX, files, { jobs: 1, policy: 'demand', cacheDir: false });
    assert.deepEqual(answer(t.program), full);
    // The tree is built so that every way of being needed happens at least once.
    const rules = full.findings.map((f) => `${f.rule} ${f.fn}`).sort();
    assert.ok(rules.includes('PC001 probe_page'), rules.join(', ')); // only through `.probe = probe_page`
    assert.ok(rules.includes('PC001 check_page2'), rules.join(', ')); // via lookup() → find_it() → pte_page()
    assert.ok(rules.includes('PC000 '), rules.join(', '));
    assert.ok(full.functions.some((f) => f.fn === 'with_pgmap' && f.verdict === 'safe'), 'pgmap pinned by the caller');
    assert.ok(full.functions.some((f) => f.fn === 'visit'), 'callback handed to a call');
    const parsed = new Set(t.facts.map((f) => f.file));
    for (const needed of ['drivers/ops.c', 'lib/plain.c', 'lib/lookup.c', 'mm/find.c', 'tools/same_name.c', 'lib/suppress.c']) {
      assert.ok(parsed.has(needed), `${needed} must be parsed (parsed: ${[...parsed].join(', ')})`);
    }
    assert.ok(!parsed.has('kernel/unrelated.c'), 'a file nothing needs is not parsed');
    assert.ok(rules.includes('PC001 scoped_test'), rules.join(', ')); // a static function's caller in its own file
    assert.ok(parsed.has('drivers/check_ops.c'), 'a caller through the field a static function is assigned to');
    assert.ok(!parsed.has('fs/scoped_other.c'), 'a file that mentions a static function of another .c file is not parsed for it');
    assert.ok(!parsed.has('drivers/assign_only.c'), 'a file that only fills a field is not parsed for the calls through it');
    assert.ok(rules.includes('PC004 reserved_pfn') && rules.includes('PC003 flags_of_pfn'), rules.join(', '));
    assert.ok(!parsed.has('lib/pfn_only.c'), 'a seed candidate that reads no memmap is not parsed');
    assert.ok(!parsed.has('include/regs.h'), 'a directives-only header is not parsed');
    // Two tables share the field name `release`: only the typed caller and the type-unknown one reach the DMA one.
    assert.ok(full.functions.some((f) => f.fn === 'dma_release_page' && f.verdict === 'safe'), JSON.stringify(full.functions.filter((f) => f.fn === 'dma_release_page')));
    assert.ok(parsed.has('drivers/dma_call.c') && parsed.has('fs/dev_release.c'), 'the callers through ->release( of its type, or of an unknown type, are parsed');
    assert.ok(t.stats.filesParsed < files.length);
  });

  it('indexes the possible callees of calls through a field under their second key, and not a field only read or filled in', () => {
    const calls = (text: string) => {
      const idents = new Set(scanTokens(Buffer.from(text)).idents);
      return ['f', 'g'].filter((n) => idents.has(fieldKey(identHash(n))));
    };
    assert.deepEqual(calls('int c(struct o *p) { return p->f(1) + p->g; }'), ['f']);
    assert.deepEqual(calls('int c(struct o *p) { return (*p->f)(1) + p.g == 0; }'), ['f']);
    assert.deepEqual(calls('int c(struct o *p) { return p-> /* a */ f(1) + p.\\\n g(2); }'), ['f', 'g']);
    assert.deepEqual(calls('int c(struct o *p) { return p-> // b\n f(3); }'), ['f']);
    assert.deepEqual(calls('static const struct o x = { .f = g, .g = f }; int y = f(1) + g(2);'), []);
    // A comment's words are never field calls, and a comment hides nothing: what stood before it still counts.
    assert.deepEqual(calls('// f(1) and g\nint y = 0; /* -> g(2) */'), []);
    assert.deepEqual(calls('int x; // see f\ng(2); int y = x / f(3) > g(4);'), []);
    assert.deepEqual(calls('int c(struct o *p) { return p-> /* x */ /**/ f(1) + p-> // y \\\n z\n g(2); }'), ['f', 'g']);
    assert.deepEqual(calls('/*/ f(1) */ x->g(2);'), ['g']);
    // Strings and character literals hold no comment: `"//"`, `"/*"`, `'"'`, an escaped quote.
    assert.deepEqual(calls('char *u = "http://x"; p->f(1);\nchar *v = "/*"; q->g(2);'), ['f', 'g']);
    assert.deepEqual(calls('char c = \'"\', d = \'\\\'\'; char *s = "\\"/*"; p->f(1); /* */ q->g(2);'), ['f', 'g']);
    const wasm = new WasmScanner();
    for (const t of ['int c(struct o *p) { return p->f(1) + (*p->g)(2); }', 'x.f\n(1); y->g /* c */ (2); z->f',
      '// f(1)\ng(2); a / f(3); a > g(4); p-> // y \\\r\n z\r\n g(5); /*/ f(6) */ x->f(7);',
      'char c = \'"\', d = \'\\\'\'; char *s = "\\"/*\\\n"; p->f(1); /* */ q->g(2); "x\n /* y */ p->g(3);']) {
      assert.deepEqual([...wasm.scan(Buffer.from(t)).idents], [...scanTokens(Buffer.from(t)).idents], t);
    }
  });

  it('counts a field occurrence as a possible call through it unless it is assigned', () => {
    const job = { index: 0, mentions: ['->f'], defs: [], seed: false };
    const hits = (text: string) => jobOffsets(job, text, { names: [], patterns: [] }).length;
    assert.equal(hits('static const struct o x = { .f = g, .f\t=\tNULL };'), 0);
    assert.equal(hits('void s(struct o *p) { p->f = g; }'), 0);
    assert.equal(hits('int f(int x); int y = f(1); /* f( */'), 0); // not a field
    assert.equal(hits('int c(struct o *p) { return p->f(1); }'), 1);
    assert.equal(hits('int c(struct o *p) { return (*p->f)(1) + (p->f == 0); }'), 2);
    assert.equal(hits('int c(struct o *p) { return p-> /* a */ f(1) + p.\\\n f(2) + p-> // b\n f(3); }'), 3);
    assert.equal(hits('char *s = "->f("; /* ->f( */'), 1); // a string counts (conservative); a comment holds no call
    assert.equal(hits('int c(struct o *p) { return p->f(1); }'.replace('f(1)', 'ff(1)')), 0);
    const full = { index: 0, mentions: ['->f', 'f'], defs: [], seed: false };
    assert.equal(jobOffsets(full, 'struct o x = { .f = g }; int y = f(1);', { names: [], patterns: [] }).length, 2);
  });

  it('answers the same warm, after an edit, and after a touch', async () => {
    const root = tmpDir();
    const cacheDir = tmpDir();
    try {
      fs.cpSync(FIX, root, { recursive: true });
      const files = treeFiles(root);
      const cold = await auditTree(root, files, { jobs: 1, policy: 'demand', cacheDir, version: 'test' });
      assert.equal(cold.stats.warm, 'cold');
      const warm = await auditTree(root, files, { jobs: 1, policy: 'demand', cacheDir, version: 'test' });
      assert.equal(warm.stats.warm, 'full');
      assert.equal(warm.stats.filesScanned, 0);
      assert.deepEqual(answer(warm.program), answer(cold.program));

      // An edit that changes the answer: find_it() now returns an online page.
      const find = path.join(root, 'mm/find.c');
      fs.writeFileSync(find, fs.readFileSync(find, 'utf8').replace('return pte_page(*global_pte);', 'return pfn_to_online_page(42);'));
      const bump = new Date(Date.now() + 5000);
      fs.utimesSync(find, bump, bump);
      const edited = await auditTree(root, files, { jobs: 1, policy: 'demand', cacheDir, version: 'test' });
      assert.equal(edited.stats.warm, 'partial');
      assert.equal(edited.stats.filesScanned, 1);
      const full = answer(new Program(await parseEverything(files)));
      assert.deepEqual(answer(edited.program), full);
      assert.notDeepEqual(full, answer(cold.program));

      // A touch (new mtime, same bytes) keeps the cached facts.
      const plain = path.join(root, 'lib/plain.c');
      const later = new Date(Date.now() + 10000);
      fs.utimesSync(plain, later, later);
      const touched = await auditTree(root, files, { jobs: 1, policy: 'demand', cacheDir, version: 'test' });
      assert.equal(touched.stats.filesScanned, 1);
      assert.equal(touched.stats.filesParsedNow, 0);
      assert.deepEqual(answer(touched.program), full);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('answers the same in worker threads', async function () {
    if (!fs.existsSync(WORKER)) this.skip(); // `npm test` builds dist/ first
    const files = treeFiles(FIX);
    const t = await auditTree(FIX, files, { jobs: 2, policy: 'demand', cacheDir: false, workerScript: WORKER });
    assert.deepEqual(answer(t.program), answer(new Program(await parseEverything(files))));
  });

  it('widens for an editor buffer: parses the callers its new sink needs, and nothing when nothing is new', async () => {
    const files = treeFiles(FIX);
    const run = await TreeRun.open(FIX, files, { jobs: 1, policy: 'demand', cacheDir: false });
    try {
      const parsedBefore = new Set(run.facts.map((f) => f.file));
      assert.ok(!parsedBefore.has('kernel/tally.c'), 'no sink on disk needs kernel/tally.c');
      const parser = await CParser.create();
      const table = contractTable();
      // A buffer whose text is the file on disk needs nothing new.
      const diskText = fs.readFileSync(path.join(FIX, 'mm/devmap.c'), 'utf8');
      assert.deepEqual(await run.widen(new Map([['mm/devmap.c', factsForText(parser, 'mm/devmap.c', diskText, table)]])), []);

      // The buffer of kernel/unrelated.c now defines note_page() with a test on its parameter: its caller
      // tally() (kernel/tally.c) and tally's callers decide the verdict.
      const buffer = `${fs.readFileSync(path.join(FIX, 'kernel/unrelated.c'), 'utf8')}
bool note_page(struct page *page)
{
	return is_zone_device_page(page);
}
`;
      const overlay = factsForText(parser, 'kernel/unrelated.c', buffer, table);
      const added = await run.widen(new Map([['kernel/unrelated.c', overlay]]));
      assert.ok(added.includes('kernel/tally.c'), `parsed: ${added.join(', ')}`);
      const withBuffer = (facts: FileFacts[]) => [...facts.filter((f) => f.file !== overlay.file), overlay].sort((a, b) => (a.file < b.file ? -1 : 1));
      const everything = await parseEverything(files);
      const full = answer(new Program(withBuffer(everything)));
      assert.deepEqual(answer(new Program(withBuffer(run.facts))), full);
      // tally_from_pte() hands tally() a page-table decode with no lock held: the worst caller decides.
      assert.ok(full.findings.some((f) => f.rule === 'PC001' && f.fn === 'note_page'), JSON.stringify(full.findings.map((f) => `${f.rule} ${f.fn}`)));
      parser.delete();
    } finally {
      await run.close();
    }
  });

  describe('the text index (engine/demand/scan.ts)', () => {
    const sources = () => [FIX, path.join(REPO, 'test', 'fixtures'), path.join(REPO, 'examples')]
      .filter((d) => fs.existsSync(d)).flatMap((d) => treeFiles(d));

    it('WebAssembly and JavaScript scanners agree', () => {
      const wasm = new WasmScanner();
      for (const f of sources()) {
        const buf = fs.readFileSync(f.file);
        const a = scanTokens(buf);
        const b = wasm.scan(buf);
        assert.deepEqual([...b.idents], [...a.idents], f.rel);
        assert.deepEqual([...b.defs], [...a.defs], f.rel);
      }
    });

    it('holds every name the facts hold: definitions among the definition candidates', async () => {
      const parser = await CParser.create();
      const table = contractTable([]);
      const missing: string[] = [];
      for (const f of sources()) {
        const r = readSource(f.file);
        if (!('text' in r)) continue;
        const tokens = scanTokens(Buffer.from(r.text, 'utf8'));
        const idents = new Set(tokens.idents);
        const defs = new Set(tokens.defs);
        const facts = factsForText(parser, f.rel, r.text, table);
        const need = (name: string, where: string, set: Set<number>) => {
          if (name.length > 1 && /^[A-Za-z_]\w*$/.test(name) && !set.has(identHash(name))) missing.push(`${f.rel}: ${where} ${name}`);
        };
        for (const r2 of facts.fieldRefs) { need(r2.fn, 'registered', idents); need(r2.field, 'field', idents); }
        for (const fn of facts.functions) {
          need(fn.name, 'definition', defs);
          for (const c of fn.calls) {
            need(c.callee.replace(/^\./, ''), 'call', idents);
            // A call through a field is found by TokenIndex.calling(): its second key.
            if (c.callee.startsWith('.') && !idents.has(fieldKey(identHash(c.callee.slice(1))))) missing.push(`${f.rel}: field call ${c.callee}`);
            for (const cb of c.callbacks ?? []) need(cb, 'callback', idents);
          }
          for (const r2 of fn.fieldRefs) { need(r2.fn, 'registered', idents); need(r2.field, 'field', idents); }
        }
      }
      parser.delete();
      assert.deepEqual(missing, []);
    });

    it('recognises directives-only headers, and nothing else', () => {
      assert.equal(directivesOnly(Buffer.from('/* regs */\n#define A 1\n#define B(x) \\\n\tf(x)\n\n// end\n')), true);
      assert.equal(directivesOnly(Buffer.from('#define A 1 /* a\n comment */\n#define B 2\n')), true);
      assert.equal(directivesOnly(Buffer.from('#define A 1\nint x;\n')), false);
      assert.equal(directivesOnly(Buffer.from('#define A "/*"\nint f(void) { return 0; }\n/* */\n')), false);
      assert.equal(directivesOnly(Buffer.from('/* c */ int x;\n')), false);
      assert.equal(directivesOnly(fs.readFileSync(path.join(FIX, 'include/regs.h'))), true);
      assert.equal(directivesOnly(fs.readFileSync(path.join(FIX, 'mm/devmap.c'))), false);
    });
  });

  describe('on the 6.1 tree', () => {
    it('mm/ on demand gives the answer of parsing all of mm/', async function () {
      if (!fs.existsSync(path.join(KERNEL, 'mm'))) this.skip(); // `bash scripts/kernel.sh` fetches the tree
      const root = path.join(KERNEL, 'mm');
      const files = treeFiles(root);
      const full = answer(new Program(await parseEverything(files, '6.1')));
      const t = await auditTree(root, files, { jobs: 1, policy: 'demand', cacheDir: false, kernelVersion: '6.1' });
      assert.deepEqual(answer(t.program), full);
      assert.ok(full.functions.length > 10);
      assert.ok(t.stats.filesParsed < files.length / 2, `${t.stats.filesParsed} of ${files.length} parsed`);
    });
  });
});
