// The documentation as a user meets it: every link works, nothing points outside the repository (except to public
// kernel sources and archives), no machine path is committed, every rule has its page and the server/SARIF links
// point at it, and the examples on the rule pages are audited by the real CLI: a page that says "this is flagged"
// is flagged, "this is clean" is clean; the README's install commands hold (`npm link` into a private prefix).
// Spawns dist/cli.js (~0.2 s per example) and npm (~10 s): ~40 s in all.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RULE_CODES, helpUri } from '../engine/analysis/rules/table';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const REPO_URL = String(pkg.repository?.url ?? pkg.repository).replace(/^git\+/, '').replace(/\.git$/, '');

/** Committed files (git ls-files), or every file under the checkout outside ignored folders when git is absent. */
function committed(): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return r.stdout.split('\0').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) { if (!/^(node_modules|dist|\.git|\.kernel|\.editor-test|\.package|scratch)$/.test(e.name)) walk(rel); } else out.push(rel);
    }
  };
  walk('');
  return out;
}

const FILES = committed();
const MARKDOWN = FILES.filter((f) => f.endsWith('.md'));

/** Links written in Markdown: [text](target), <img src="…">, and reference definitions `[x]: target`. */
function links(text: string): string[] {
  const out: string[] = [];
  const noCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  for (const m of noCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  for (const m of noCode.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)) out.push(m[1]);
  for (const m of noCode.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) out.push(m[1]);
  for (const m of noCode.matchAll(/<(https?:\/\/[^>\s]+)>/g)) out.push(m[1]);
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1].toLowerCase().replace(/<[^>]+>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** Hosts a committed link may point at: the repository itself and public kernel sources and archives. */
const ALLOWED_HOSTS = ['lore.kernel.org', 'git.kernel.org', 'www.kernel.org', 'kernel.org', 'docs.kernel.org', 'patchwork.kernel.org', 'elixir.bootlin.com'];

describe('docs: links and paths', () => {
  it('finds the Markdown files (README, CONTRIBUTING, CHANGELOG, docs/rules)', () => {
    for (const f of ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'docs/verdicts.md', ...RULE_CODES.map((c) => `docs/rules/${c}.md`)]) {
      assert.ok(MARKDOWN.includes(f), `${f} is missing`);
    }
  });

  it('no committed Markdown, JSON or TypeScript file holds a machine path or a path out of the repository', () => {
    const bad: string[] = [];
    const patterns = [/\/work\//, /\.\.\/shared\//, /\/home\/[a-z]/, /\/root\//, /[A-Z]:\\Users\\/];
    for (const f of FILES.filter((x) => /\.(md|json|ts|lua|el|mjs|js)$/.test(x) && !x.startsWith('test/fixtures'))) {
      // This test names the patterns it looks for.
      if (f === 'test/docs.test.ts') continue;
      const lines = fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n');
      lines.forEach((l, i) => { if (patterns.some((p) => p.test(l))) bad.push(`${f}:${i + 1}: ${l.trim().slice(0, 120)}`); });
    }
    assert.deepEqual(bad, []);
  });

  it('every relative link resolves to a file (and heading) in the repository; absolute links go to the repository or to public kernel archives', () => {
    const bad: string[] = [];
    for (const f of MARKDOWN) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const target of links(text)) {
        if (/^mailto:/.test(target)) { bad.push(`${f}: ${target}: no mail addresses`); continue; }
        if (/^[a-z]+:\/\//i.test(target)) {
          const u = new URL(target);
          if (u.protocol !== 'https:') bad.push(`${f}: ${target}: not https`);
          else if (target.startsWith(`${REPO_URL}/`) || target === REPO_URL) continue;
          else if (!ALLOWED_HOSTS.includes(u.hostname)) bad.push(`${f}: ${target}: leaves the repository`);
          continue;
        }
        const [file, frag] = target.split('#');
        const abs = file ? path.resolve(path.dirname(path.join(ROOT, f)), decodeURIComponent(file)) : path.join(ROOT, f);
        if (!abs.startsWith(ROOT + path.sep) && abs !== ROOT) { bad.push(`${f}: ${target}: outside the repository`); continue; }
        const rel = path.relative(ROOT, abs).split(path.sep).join('/');
        if (!fs.existsSync(abs)) { bad.push(`${f}: ${target}: no such file`); continue; }
        if (fs.statSync(abs).isFile() && !FILES.includes(rel)) { bad.push(`${f}: ${target}: not committed (git-ignored?)`); continue; }
        if (frag && abs.endsWith('.md') && !anchors(fs.readFileSync(abs, 'utf8')).has(frag)) bad.push(`${f}: ${target}: no heading #${frag}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe('docs: rule pages', () => {
  it('every rule has a page with the sections a user looks for', () => {
    for (const code of RULE_CODES) {
      const text = fs.readFileSync(path.join(ROOT, 'docs', 'rules', `${code}.md`), 'utf8');
      assert.match(text, new RegExp(`^# ${code} — `), `${code}.md: title`);
      for (const h of ['What it flags', 'Why', 'Examples', 'Quick fixes', 'Known false-positive shapes']) {
        assert.match(text, new RegExp(`^## ${h}`, 'm'), `${code}.md has no "## ${h}"`);
      }
    }
  });

  it('the server\'s codeDescription.href and SARIF helpUri are the rule pages in the repository named by package.json', () => {
    assert.match(REPO_URL, /^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    for (const code of RULE_CODES) {
      assert.equal(helpUri(code), `${REPO_URL}/blob/main/docs/rules/${code}.md`);
      assert.ok(FILES.includes(`docs/rules/${code}.md`));
    }
  });
});

// ------------------------------------------------------------------------------------------------ examples

/**
 * A checked example is a ```c block right after `<!-- check: SPEC -->`. SPEC is one or more runs separated by
 * `|`; each run is `[config=NAME] EXPECT…` with EXPECT one of `flags PC00N`, `clean` (no unsuppressed
 * finding), `suppressed PC00N`, `verdict FUNCTION WORD` (the JSON `functions` verdict). `version=X.Y`
 * (default 6.1) and `file=PATH` (default mm/demo.c) apply to every run. A config is the ```json block after
 * `<!-- config: NAME -->` on the same page; it becomes the tree's .pagecheck.json.
 */
interface Example { page: string; line: number; code: string; spec: string }

function examplesOf(page: string): { examples: Example[]; configs: Map<string, string> } {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  const examples: Example[] = [];
  const configs = new Map<string, string>();
  const re = /<!--\s*(check|config):\s*([^>]*?)\s*-->\s*\n```(\w+)\n([\s\S]*?)```/g;
  for (const m of text.matchAll(re)) {
    const line = text.slice(0, m.index).split('\n').length;
    if (m[1] === 'config') configs.set(m[2], m[4]);
    else examples.push({ page, line, code: m[4], spec: m[2] });
  }
  return { examples, configs };
}

interface JsonOut { findings: { rule: string; suppressed: boolean; line: number; message: string }[]; functions: { function: string; verdict: string }[] }

function audit(code: string, file: string, version: string, config?: string): JsonOut {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-docs-'));
  try {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), code);
    if (config !== undefined) fs.writeFileSync(path.join(dir, '.pagecheck.json'), config);
    const r = spawnSync(process.execPath, [CLI, '--format', 'json', '--kernel-version', version, '.'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, PAGECHECK_CACHE: '0' },
    });
    assert.ok(r.status === 0 || r.status === 1, `pagecheck exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as JsonOut;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PAGES = [...RULE_CODES.map((c) => `docs/rules/${c}.md`), 'docs/verdicts.md'];

describe('docs: the rule pages\' examples, audited', function () {
  this.timeout(120_000);
  before(function () {
    if (!fs.existsSync(CLI)) { console.log('      skip: dist/cli.js not built (npm run build)'); this.skip(); }
  });

  for (const page of PAGES) {
    if (!fs.existsSync(path.join(ROOT, page))) continue;
    const { examples, configs } = examplesOf(page);
    if (page.startsWith('docs/rules/')) {
      it(`${page} has checked examples`, () => assert.ok(examples.length >= 2, `${page}: ${examples.length} checked examples`));
    }
    for (const ex of examples) {
      it(`${page}:${ex.line}: ${ex.spec}`, () => {
        const words = ex.spec.split(/\s+/);
        const opt = (k: string) => words.find((w) => w.startsWith(`${k}=`))?.slice(k.length + 1);
        const version = opt('version') ?? '6.1';
        const file = opt('file') ?? 'mm/demo.c';
        for (const run of ex.spec.split('|')) {
          const w = run.trim().split(/\s+/).filter((x) => !/^(version|file)=/.test(x));
          let config: string | undefined;
          if (w[0]?.startsWith('config=')) {
            const name = w.shift()!.slice('config='.length);
            config = configs.get(name);
            assert.ok(config !== undefined, `${page}: no <!-- config: ${name} --> block`);
          }
          const out = audit(ex.code, file, version, config);
          const live = out.findings.filter((f) => !f.suppressed);
          const show = `${run.trim()}: got ${JSON.stringify(out.findings.map((f) => `${f.rule}@${f.line}${f.suppressed ? ' suppressed' : ''}`))} ${JSON.stringify(out.functions.map((f) => `${f.function}: ${f.verdict}`))}`;
          for (let i = 0; i < w.length; i++) {
            if (w[i] === 'clean') assert.deepEqual(live.map((f) => f.rule), [], show);
            else if (w[i] === 'flags') { const rule = w[++i]; assert.ok(live.some((f) => f.rule === rule), show); }
            else if (w[i] === 'suppressed') { const rule = w[++i]; assert.ok(out.findings.some((f) => f.rule === rule && f.suppressed), show); }
            else if (w[i] === 'verdict') {
              const fn = w[++i];
              const word = w[++i].replace(/_/g, ' ');
              assert.equal(out.functions.find((f) => f.function === fn)?.verdict, word, show);
            } else assert.fail(`${page}:${ex.line}: unknown word "${w[i]}" in the check`);
          }
        }
      });
    }
  }
});

describe('docs: the README\'s install, as written', function () {
  this.timeout(120_000);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('keeps the two commands a fresh clone is promised', () => {
    assert.match(readme, /^npm ci && npx pagecheck\s+# audits the bundled example tree \(examples\/\) and prints findings$/m);
    assert.match(readme, /^npm test\s+# runs the tests$/m);
    assert.equal(pkg.bin.pagecheck, 'dist/cli.js');
  });

  it('`npm link` puts pagecheck and pagecheck-server on the PATH (a private npm prefix), and `npm unlink -g` takes them away', function () {
    assert.match(readme, /^npm ci && npm link\s+#/m);
    if (!fs.existsSync(CLI) || !fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) { console.log('      skip: dist/ not built'); this.skip(); }
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-prefix-'));
    const env = { ...process.env, npm_config_prefix: prefix, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    try {
      const link = spawnSync('npm', ['link', '--ignore-scripts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });
      assert.equal(link.status, 0, link.stderr);
      const bin = path.join(prefix, 'bin');
      for (const b of ['pagecheck', 'pagecheck-server']) assert.ok(fs.existsSync(path.join(bin, b)), `${b} is not in ${bin}`);
      const v = spawnSync(path.join(bin, 'pagecheck'), ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
      assert.match(v.stdout, new RegExp(`^pagecheck ${pkg.version.replace(/\./g, '\\.')}`), v.stderr);
      const unlink = spawnSync('npm', ['unlink', '-g', 'pagecheck'], { cwd: os.tmpdir(), env, encoding: 'utf8', timeout: 90_000 });
      assert.equal(unlink.status, 0, unlink.stderr);
      assert.ok(!fs.existsSync(path.join(bin, 'pagecheck')), 'npm unlink -g left the command behind');
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });
});
