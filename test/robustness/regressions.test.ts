// Regressions: every input in test/fixtures-robustness/ (hand-reduced crashes and the fuzzer's saved finds,
// `fuzz-s<seed>-c<case>.c`) goes through the engine with the fuzzer's own checks, honouring `/* expect: … */`
// markers where a file has them; and the meaning-preserving rewrites the fuzzer uses as oracles (CRLF line ends,
// a blank line on top, an unrelated function appended) must not change one finding of the examples or fixtures.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileFacts, Program } from '../../engine/index';
import { toPosix, walkCFiles } from '../../engine/files/workspace';
import { EngineChecker } from '../../scripts/fuzz/engine-check';
import { applyOracle, Oracle } from '../../scripts/fuzz/mutate';
import { CLI, ROOT, ensureBuilt } from './helpers';

const DIR = path.join(ROOT, 'test', 'fixtures-robustness');

function expectations(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /\/\*\s*expect:\s*([^*]*?)\s*\*\//.exec(line);
    if (m) out.set(i, m[1] === 'ok' ? [] : m[1].split(/\s+/));
  });
  return out;
}

describe('robustness: regressions', function () {
  this.timeout(120000);
  let checker: EngineChecker;
  before(async () => { checker = await EngineChecker.create(); });
  after(() => checker.dispose());

  const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.[ch]$/.test(f)).sort() : [];
  it('the regression directory is not empty', () => assert.ok(files.length >= 3));

  for (const name of files) {
    it(name, () => {
      const bytes = fs.readFileSync(path.join(DIR, name));
      const r = checker.check(name, bytes, { collectUses: true });
      assert.ok(r.outcome === 'ok' || r.outcome === 'skipped', `${r.outcome}: ${r.message}`);
      if (r.outcome === 'skipped') return;
      const text = bytes.toString('utf8');
      const want = expectations(text);
      if (!want.size) return;
      const facts = checker.facts(name, text);
      const found = new Program([facts]).audit().findings.filter((f) => !f.suppressed);
      for (const [line, codes] of want) {
        const got = found.filter((f) => f.loc.line === line).map((f) => f.rule).sort();
        assert.deepEqual(got, [...codes].sort(), `${name}:${line + 1}`);
      }
    });
  }

  describe('meaning-preserving rewrites keep every finding (the fuzzer\'s oracles)', () => {
    const trees: Array<[string, string]> = [['examples', path.join(ROOT, 'examples')]];
    const fixtures = path.join(ROOT, 'test', 'fixtures');
    if (fs.existsSync(fixtures)) for (const d of fs.readdirSync(fixtures).sort()) trees.push([`fixtures/${d}`, path.join(fixtures, d)]);
    const keys = (facts: FileFacts[], shift: number) => new Program(facts).audit().findings
      .map((f) => `${f.rule} ${f.loc.file}:${f.loc.line - shift}:${f.loc.col}${f.suppressed ? ' suppressed' : ''}`).sort();

    for (const oracle of ['crlf', 'shift', 'append'] as Oracle[]) {
      it(oracle, () => {
        let compared = 0;
        for (const [label, dir] of trees) {
          if (!fs.existsSync(dir)) continue;
          const inputs = walkCFiles(dir).files.map((f) => ({ rel: toPosix(path.relative(dir, f)), text: fs.readFileSync(f, 'utf8') }));
          const before = keys(inputs.map((i) => checker.facts(i.rel, i.text)), 0);
          const after = keys(inputs.map((i) => checker.facts(i.rel, applyOracle(i.text, oracle))), oracle === 'shift' ? 1 : 0);
          assert.deepEqual(after, before, `${label} (${oracle})`);
          compared += before.length;
        }
        assert.ok(compared > 20, 'the trees have findings to compare');
      });
    }
  });

  it('the CLI over the regression directory: no internal error, a valid JSON document', () => {
    ensureBuilt();
    const r = spawnSync(process.execPath, [CLI, '--format', 'json', DIR], { encoding: 'utf8', timeout: 120000 });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.stats.files >= files.length - doc.skipped.length);
  });
});
