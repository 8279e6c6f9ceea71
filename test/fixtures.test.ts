// One runner for every rule fixture: kernel-style C with its expectations written inline (ARCHITECTURE.md), and
// beside each file what pagecheck says about it, rendered (`x.c.expected`: messages, chains as `note:` lines,
// verdicts and reasons of the other tests; refreshed by UPDATE_EXPECT=1, see test/expect.ts). Each directory under
// test/fixtures/ is audited as one tree, so files in a directory are each other's callers; a `.pagecheck.json` in
// the directory adds its contracts, as it would for the CLI.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatConfigError, parseConfig } from '../engine/files/config';
import { expectFile, renderAudit } from './expect';
import { auditDir, ROOT } from './helpers';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');

interface Expectation {
  line: number; // 0-based
  kind: 'rules' | 'safe' | 'ok' | 'suppressed';
  rules: string[];
  text: string;
  /** `expect@6.1: …`: checked only when the directory is audited as that kernel version. */
  version?: string;
}

/** `/* kernels: 5.4 6.1 *\/` near the top of a file: audit its directory as each of these kernel versions. */
function kernelsOf(text: string): string[] {
  const m = /\/\*\s*kernels:\s*([0-9.\s]+?)\s*\*\//.exec(text.slice(0, 400));
  return m ? m[1].split(/\s+/).filter(Boolean) : [];
}

function expectations(text: string): { list: Expectation[]; strict: boolean } {
  const list: Expectation[] = [];
  text.split('\n').forEach((l, line) => {
    for (const m of l.matchAll(/(?:\/\*|\/\/)\s*expect(?:@([0-9.]+))?:\s*([^*]*?)\s*(?:\*\/|$)/g)) {
      const version = m[1];
      const words = m[2].split(/[\s,]+/).filter(Boolean);
      if (words[0] === 'safe') list.push({ line, kind: 'safe', rules: [], text: m[2], version });
      else if (words[0] === 'ok') list.push({ line, kind: 'ok', rules: [], text: m[2], version });
      else if (words[0] === 'suppressed') list.push({ line, kind: 'suppressed', rules: words.slice(1), text: m[2], version });
      else list.push({ line, kind: 'rules', rules: words.filter((w) => /^PC\d{3}$/.test(w)), text: m[2], version });
    }
  });
  return { list, strict: /\/\*\s*strict\s*\*\//.test(text.slice(0, 400)) };
}

const dirs = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory()).sort() : [];

describe('rule fixtures (inline expectations)', () => {
  for (const dir of dirs) {
    const files = fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => /\.[ch]$/.test(f)).sort();
    const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(FIXTURES, dir, f), 'utf8')]));
    // A directory whose files name kernel versions is audited once per version (undefined: the Makefile's, or
    // every version's contracts).
    const declared = [...new Set(files.flatMap((f) => kernelsOf(texts.get(f)!)))].sort();
    const runs: Array<string | undefined> = declared.length ? declared : [undefined];
    for (const version of runs) {
      describe(version ? `${dir} (as Linux ${version})` : dir, () => {
        let audited: Awaited<ReturnType<typeof auditDir>>;
        before(async () => {
          const config = path.join(FIXTURES, dir, '.pagecheck.json');
          const { config: c, errors } = fs.existsSync(config) ? parseConfig(fs.readFileSync(config, 'utf8'), '.pagecheck.json') : { config: { contracts: [] }, errors: [] };
          assert.deepEqual(errors.map((e) => formatConfigError(`${dir}/.pagecheck.json`, e)), []);
          audited = await auditDir(path.join(FIXTURES, dir), version, c.contracts);
        });
        for (const file of files) {
          const text = texts.get(file)!;
          const own = kernelsOf(text);
          if (version && own.length && !own.includes(version)) continue;
          it(file, () => check(audited, dir, file, text, version));
        }
      });
    }
  }
});

function check(audited: Awaited<ReturnType<typeof auditDir>>, dir: string, file: string, text: string, version: string | undefined): void {
  const { list: all, strict } = expectations(text);
  const list = all.filter((e) => !e.version || e.version === version);
  const { findings, functions } = audited.result;
  const here = findings.filter((f) => f.loc.file === file);
  const tests = functions.filter((f) => f.file === file).flatMap((f) => f.tests);
  const problems: string[] = [];
  const at = (line: number) => `${dir}/${file}:${line + 1}${version ? ` (${version})` : ''}`;
  for (const e of list) {
    const on = here.filter((f) => f.loc.line === e.line);
    const active = on.filter((f) => !f.suppressed).map((f) => f.rule).sort();
    if (e.kind === 'rules') {
      const want = [...e.rules].sort();
      if (JSON.stringify(active) !== JSON.stringify(want)) problems.push(`${at(e.line)}: expected ${want.join(' ') || 'nothing'}, got ${active.join(' ') || 'nothing'} ${on.map((f) => `[${f.rule}: ${f.message}]`).join(' ')}`);
    } else if (e.kind === 'ok') {
      if (active.length) problems.push(`${at(e.line)}: expected no finding, got ${on.map((f) => `${f.rule}: ${f.message}`).join('; ')}`);
    } else if (e.kind === 'safe') {
      const t = tests.filter((x) => x.line === e.line);
      if (!t.length) problems.push(`${at(e.line)}: expected a ZONE_DEVICE test judged safe, found no test on this line`);
      else if (t.some((x) => x.verdict !== 'safe')) problems.push(`${at(e.line)}: expected safe, got ${t.map((x) => `${x.verdict} (${x.reason})`).join('; ')}`);
      if (active.length) problems.push(`${at(e.line)}: expected safe, got finding ${active.join(' ')}`);
    } else {
      const sup: string[] = on.filter((f) => f.suppressed).map((f) => f.rule);
      for (const r of e.rules) if (!sup.includes(r)) problems.push(`${at(e.line)}: expected ${r} suppressed, got ${on.map((f) => `${f.rule}${f.suppressed ? ' (suppressed)' : ''}`).join(' ') || 'nothing'}`);
    }
  }
  if (strict) {
    const announced = new Set(list.filter((e) => e.kind === 'rules').map((e) => e.line));
    for (const f of here) {
      if (f.suppressed || announced.has(f.loc.line)) continue;
      problems.push(`${at(f.loc.line)}: unexpected ${f.rule}: ${f.message}`);
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
  // The rendered output (messages, chains, verdicts) beside the fixture; one file per version a fixture is audited as.
  expectFile(path.join(FIXTURES, dir, `${file}${version ? `.${version}` : ''}.expected`), renderAudit(file, audited.result));
}
