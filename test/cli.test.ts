// The `pagecheck` command as users and CI see it (INTERFACES.md "CLI", "JSON", "Report"): spawns dist/cli.js on
// the small trees in test/fixtures-cli/ and checks every format, exit status and path rule.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIX, REPO, ensureBuilt, json, pagecheck, scratchCopy, scratchDir } from './fixtures-cli/harness';
import { Progress } from '../cli/progress';


describe('cli', function () {
  this.timeout(120000);
  before(ensureBuilt);

  describe('text format', () => {
    it('prints gcc-style warnings with paths relative to the current directory, the chain as note: lines, exit 1', () => {
      const r = pagecheck(['tree']);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.filter((l) => / warning: /.test(l)).length, 3, r.stdout);
      assert.match(lines[0], /^tree\/mm\/helper\.c:7:9: warning: unsafe: .*pte_page.*\(tree\/mm\/caller\.c:7\); passed to page_is_devmem\(\) by check_pte\(\) \[PC001\]$/);
      assert.match(lines[1], /^tree\/mm\/caller\.c:7:24: note: page from pte_page\(\): /);
      assert.match(lines[2], /^tree\/mm\/caller\.c:7:9: note: passed to page_is_devmem\(\) by check_pte\(\)$/);
      assert.match(lines[3], /^tree\/mm\/memory\.c:9:6: warning: unsafe: .*pte_page.* \[PC001\]$/);
      assert.match(lines[4], /^tree\/mm\/memory\.c:7:22: note: page from pte_page\(\)/);
      assert.match(lines[5], /^tree\/virt\/kvm\.c:13:7: warning: .*PageReserved.* \[PC004\]$/);
      // From inside the tree, the same findings name the files from there (as gcc would).
      const inside = pagecheck(['.'], path.join(FIX, 'tree', 'mm'));
      assert.match(inside.stdout, /^helper\.c:7:9: warning: .*\(caller\.c:7\); passed to page_is_devmem\(\) by check_pte\(\) \[PC001\]$/m);
      const up = pagecheck(['..'], path.join(FIX, 'tree', 'mm'));
      assert.match(up.stdout, /^helper\.c:7:9: warning: .*\(caller\.c:7\); passed to page_is_devmem\(\) by check_pte\(\) \[PC001\]$/m);
      assert.match(up.stdout, /^\.\.\/virt\/kvm\.c:13:7: warning: /m);
      // An absolute path argument: absolute paths, as gcc prints them.
      const abs = pagecheck([path.join(FIX, 'tree')]);
      assert.ok(abs.stdout.startsWith(`${path.join(FIX, 'tree', 'mm', 'helper.c')}:7:9: warning: `), abs.stdout);
      // The safe test (line 21) and the suppressed one (line 33) are not printed.
      assert.doesNotMatch(r.stdout, /memory\.c:(21|33):/);
    });

    it('writes skipped files and a final summary on stderr, and no progress line when stderr is not a TTY', () => {
      const r = pagecheck(['tree']);
      const err = r.stderr.trimEnd().split('\n');
      assert.ok(err.includes('pagecheck: 1 file skipped (1 binary file; --verbose names them)'), r.stderr);
      assert.match(err[err.length - 1], /^pagecheck: 0 errors, 3 warnings, 0 notes \(1 suppressed, 1 file skipped\) in 5 files, 4 functions with a ZONE_DEVICE test, kernel 5\.10 contracts, \d+\.\d s$/);
      const verbose = pagecheck(['tree', '--verbose']);
      assert.ok(verbose.stderr.split('\n').includes('pagecheck: tree/drivers/x.c: skipped: binary file (NUL bytes)'), verbose.stderr);
      assert.ok(!r.stderr.includes('\r'), 'no progress line');
    });

    it('prints information/hint findings as notes', () => {
      const r = pagecheck(['tree/mm/helper.c']); // alone: its caller is not indexed → PC005 (hint)
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^tree\/mm\/helper\.c:7:9: note: unknown: callers not indexed.* \[PC005\]\ntree\/mm\/helper\.c:5:1: note: page_is_devmem\(\) has no callers/);
      assert.match(r.stderr, /0 warnings, 1 note/);
    });
  });

  describe('json format', () => {
    it('has exactly the INTERFACES.md shape, plus notAnalyzed, skipped and kernelVersion', () => {
      const { run, doc } = json(['tree']);
      assert.equal(run.status, 1);
      assert.deepEqual(Object.keys(doc), ['tool', 'root', 'kernelVersion', 'stats', 'findings', 'functions', 'notAnalyzed', 'skipped']);
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
      assert.deepEqual(doc.tool, { name: 'pagecheck', version: pkg.version });
      assert.equal(doc.root, 'tree');
      assert.equal(doc.kernelVersion, '5.10');
      assert.deepEqual(Object.keys(doc.stats), ['files', 'filesWithParseErrors', 'functions', 'functionsNotAnalyzed', 'ms']);
      assert.equal(doc.stats.files, 5); // the empty file counts, the binary one does not
      assert.equal(doc.stats.filesWithParseErrors, 0);
      assert.equal(doc.stats.functions, 6);
      assert.equal(doc.stats.functionsNotAnalyzed, 0);
      assert.ok(Number.isInteger(doc.stats.ms) && doc.stats.ms >= 0);
      assert.deepEqual(doc.notAnalyzed, []);
      assert.deepEqual(doc.skipped, [{ file: 'drivers/x.c', reason: 'binary file (NUL bytes)' }]);
    });

    it('findings: 1-based, root-relative, suppressed ones kept, provenance across files', () => {
      const { doc } = json(['tree']);
      assert.deepEqual(doc.findings.map((f: any) => `${f.rule} ${f.file}:${f.line} ${f.function} ${f.suppressed}`), [
        'PC001 mm/helper.c:7 page_is_devmem false',
        'PC001 mm/memory.c:9 walk_pte_unsafe false',
        'PC001 mm/memory.c:33 walk_pte_suppressed true',
        'PC004 virt/kvm.c:13 kvm_count_reserved false',
      ]);
      const f = doc.findings[1];
      for (const k of ['rule', 'severity', 'verdict', 'file', 'line', 'column', 'endLine', 'endColumn', 'function', 'message', 'suppressed', 'related']) {
        assert.ok(k in f, k);
      }
      assert.deepEqual([f.severity, f.verdict, f.line, f.column, f.endLine, f.endColumn], ['warning', 'unsafe', 9, 6, 9, 31]);
      assert.match(f.message, /^unsafe: /);
      assert.deepEqual(Object.keys(f.related[0]).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message']);
      assert.deepEqual([f.related[0].file, f.related[0].line, f.related[0].column], ['mm/memory.c', 7, 22]);
      const cross = doc.findings[0];
      assert.ok(cross.related.some((r: any) => r.file === 'mm/caller.c' && r.line === 7), JSON.stringify(cross.related));
      const sup = doc.findings[2];
      assert.equal(sup.justification, 'the caller holds the PTL and this is a test fixture');
      assert.equal(doc.findings[3].verdict, 'unsafe');
    });

    it('functions: one per function with a ZONE_DEVICE test, safe ones included, rule null when safe', () => {
      const { doc } = json(['tree']);
      assert.deepEqual(doc.functions.map((f: any) => `${f.file}:${f.line} ${f.function} ${f.verdict}`), [
        'mm/helper.c:5 page_is_devmem unsafe',
        'mm/memory.c:5 walk_pte_unsafe unsafe',
        'mm/memory.c:15 walk_pte_safe safe',
        'mm/memory.c:28 walk_pte_suppressed unsafe',
      ]);
      const safe = doc.functions[2];
      assert.deepEqual(Object.keys(safe), ['file', 'line', 'function', 'verdict', 'reason', 'tests']);
      assert.match(safe.reason, /get_page\(\) \(:20\)/);
      assert.deepEqual(safe.tests, [{ line: 21, predicate: 'is_zone_device_page', verdict: 'safe', rule: null }]);
      assert.deepEqual(doc.functions[1].tests, [{ line: 9, predicate: 'is_zone_device_page', verdict: 'unsafe', rule: 'PC001' }]);
    });
  });

  describe('report format', () => {
    it('one line per function, grouped by file, `fn(): verdict, reason`, and a count by verdict', () => {
      const r = pagecheck(['tree', '--format', 'report']);
      assert.equal(r.status, 1);
      const lines = r.stdout.split('\n');
      assert.equal(lines[0], 'tree/mm/helper.c:');
      assert.match(lines[1], /^ {2}page_is_devmem\(\): unsafe, .*\(tree\/mm\/caller\.c:7\); passed to page_is_devmem\(\) by check_pte\(\)$/);
      assert.equal(lines[2], '');
      assert.equal(lines[3], 'tree/mm/memory.c:');
      assert.match(lines[4], /^ {2}walk_pte_unsafe\(\): unsafe, /);
      assert.match(lines[5], /^ {2}walk_pte_safe\(\): safe, page reference is held: get_page\(\) \(:20\)$/);
      assert.match(lines[6], /^ {2}walk_pte_suppressed\(\): unsafe, .* \[suppressed: the caller holds the PTL and this is a test fixture\]$/);
      assert.equal(lines[7], '');
      // The memmap reads in a section of their own, counted in the totals (engine/analysis/report.ts).
      assert.equal(lines[8], 'Memmap reads (PC003, PC004):');
      assert.equal(lines[9], '');
      assert.equal(lines[10], 'tree/virt/kvm.c:');
      assert.match(lines[11], /^ {2}kvm_count_reserved\(\) line 13: unsafe \(PC004\), PageReserved\(\) decides "not ordinary RAM" from a page whose pfn was checked only by pfn_valid\(\)/);
      assert.equal(lines[12], '');
      assert.equal(lines[13], '4 functions with a ZONE_DEVICE test: 1 safe, 3 unsafe, 0 unsafe? HMM, 0 unknown; 1 memmap read: 0 PC003, 1 PC004');
      assert.equal(lines.length, 15);
      assert.equal(r.stdout.includes(REPO), false, 'no absolute paths');
    });
  });

  describe('exit status', () => {
    it('0 when there is no warning-level finding', () => {
      const r = pagecheck(['clean']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
    });

    it('1 with at least one warning (and for every format)', () => {
      for (const f of ['text', 'json', 'sarif', 'report']) assert.equal(pagecheck(['tree', '--format', f]).status, 1, f);
    });

    it('2 for a missing path, naming it', () => {
      const r = pagecheck(['tree', 'no/such/dir']);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'pagecheck: no/such/dir: no such file or directory\n');
    });

    it('2 for usage errors, naming the option', () => {
      const cases: Array<[string[], RegExp]> = [
        [['--frobnicate'], /^pagecheck: unknown option --frobnicate \(see --help\)\n$/],
        [['--format', 'xml', 'tree'], /^pagecheck: --format: expected one of text, json, sarif, report, got "xml"\n$/],
        [['--format'], /^pagecheck: --format needs a value\n$/],
        [['--jobs', '0', 'tree'], /^pagecheck: --jobs: expected a whole number/],
        [['--jobs=many', 'tree'], /^pagecheck: --jobs: /],
        [['--kernel-version', 'six', 'tree'], /^pagecheck: --kernel-version: expected a kernel version X\.Y/],
      ];
      for (const [args, re] of cases) {
        const r = pagecheck(args);
        assert.equal(r.status, 2, args.join(' '));
        assert.match(r.stderr, re);
        assert.equal(r.stderr.split('\n').length, 2, 'one line');
      }
    });

    it('0 and a note when there is nothing to audit (a patch touching no C file is not an error); JSON still a document', () => {
      const s = scratchDir();
      try {
        const r = pagecheck([s.dir]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /^pagecheck: note: no C files to audit in /);
        const j = json([s.dir]);
        assert.equal(j.run.status, 0);
        assert.deepEqual(j.doc.findings, []);
      } finally { s.cleanup(); }
    });

    it('--help and --version exit 0 on stdout', () => {
      const h = pagecheck(['--help']);
      assert.equal(h.status, 0);
      assert.match(h.stdout, /^Usage: pagecheck \[options\] \[paths\.\.\.\]/);
      // Every flag, with its short form where it has one.
      for (const o of ['-f, --format text|json|sarif|report', '-o, --output <file>', '-c, --config <file>', '-j, --jobs <n>', '-k, --kernel-version <X.Y>',
        '--kconfig <file>', '-b, --baseline <file>', '-B, --write-baseline <file>', '--kbuild', '-v, --verbose', '-V, --version', '-h, --help']) assert.ok(h.stdout.includes(o), o);
      const rh = pagecheck(['review', '--help']);
      assert.equal(rh.status, 0);
      assert.match(rh.stdout, /^Usage: pagecheck review \[options\] <A\.\.B \| REV \| patch files \| mbox>/);
      for (const o of ['-f, --format text|json|sarif', '--base <rev>', '-o, --output <file>']) assert.ok(rh.stdout.includes(o), o);
      const v = pagecheck(['--version']);
      assert.equal(v.status, 0);
      assert.match(v.stdout, /^pagecheck \d+\.\d+\.\d+\n$/);
    });
  });

  describe('paths', () => {
    const files = (doc: any) => [...new Set([...doc.findings.map((f: any) => f.file), ...doc.functions.map((f: any) => f.file)])].sort();

    it('one directory: paths relative to it, its other files still count as callers', () => {
      const { doc } = json(['tree/mm']);
      assert.equal(doc.root, 'tree/mm');
      assert.deepEqual(files(doc), ['helper.c', 'memory.c']);
      const helper = doc.findings.find((f: any) => f.file === 'helper.c');
      assert.equal(helper.rule, 'PC001'); // decided by caller.c, in the same tree
      assert.ok(helper.related.some((r: any) => r.file === 'caller.c'));
    });

    it('an absolute directory argument gives the same relative paths', () => {
      const rel = json(['tree/mm']).doc;
      const abs = json([path.join(FIX, 'tree/mm')]).doc;
      assert.equal(abs.root, path.join(FIX, 'tree/mm'));
      assert.deepEqual(abs.findings, rel.findings);
    });

    it('several paths: relative to their common parent (`cd linux && pagecheck mm fs`)', () => {
      const { doc } = json(['mm', 'virt'], path.join(FIX, 'tree'));
      assert.equal(doc.root, '.');
      assert.deepEqual(files(doc), ['mm/helper.c', 'mm/memory.c', 'virt/kvm.c']);
      const nested = json(['tree/mm', 'tree/virt']).doc;
      assert.equal(nested.root, 'tree');
      assert.deepEqual(nested.findings.map((f: any) => f.file), ['mm/helper.c', 'mm/memory.c', 'mm/memory.c', 'virt/kvm.c']);
    });

    it('files: the common parent of the files; a single file: its directory', () => {
      const two = json(['tree/mm/helper.c', 'tree/mm/caller.c']).doc;
      assert.equal(two.root, 'tree/mm');
      assert.equal(two.findings[0].file, 'helper.c');
      assert.equal(two.findings[0].rule, 'PC001');
      const mixed = json(['tree/virt', 'tree/mm/memory.c']).doc;
      assert.equal(mixed.root, 'tree');
      assert.deepEqual(files(mixed), ['mm/memory.c', 'virt/kvm.c']);
      const one = json(['tree/mm/helper.c']).doc;
      assert.equal(one.root, 'tree/mm');
      assert.equal(one.findings[0].rule, 'PC005'); // its caller was not given
    });

    it('a path given twice is audited once', () => {
      const { doc } = json(['tree/mm', 'tree/mm/memory.c']);
      assert.equal(doc.stats.files, 3);
    });

    it('no paths: the bundled examples/ tree', () => {
      const { run, doc } = json([], REPO);
      assert.notEqual(run.status, 2, run.stderr);
      assert.equal(doc.root, 'examples');
      assert.ok(doc.stats.files > 0);
      for (const f of doc.findings) assert.ok(!path.isAbsolute(f.file) && !f.file.startsWith('..'), f.file);
    });
  });

  describe('--output', () => {
    it('writes the output to the file, nothing to stdout', () => {
      const s = scratchDir();
      try {
        const out = path.join(s.dir, 'out.json');
        const r = pagecheck(['tree', '--format', 'json', '--output', out]);
        assert.equal(r.status, 1);
        assert.equal(r.stdout, '');
        assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).findings.length, 4);
        const t = pagecheck(['tree', '-o', path.join(s.dir, 'out.txt')]);
        assert.equal(t.stdout, '');
        assert.equal(fs.readFileSync(path.join(s.dir, 'out.txt'), 'utf8').split('\n').filter((l) => / warning: /.test(l)).length, 3);
        assert.match(t.stderr, /pagecheck: 0 errors, 3 warnings/); // the summary stays on stderr
      } finally { s.cleanup(); }
    });

    it('an unwritable output is exit 2 naming the option and the file', () => {
      const r = pagecheck(['tree', '--output', '/nonexistent-dir/out.txt']);
      assert.equal(r.status, 2);
      assert.equal(r.stderr.trimEnd().split('\n').pop(), 'pagecheck: --output /nonexistent-dir/out.txt: cannot write: no such directory');
    });
  });

  describe('--config', () => {
    it('a good config: extra contracts, ignore globs (relative paths), severity overrides', () => {
      const { run, doc } = json(['tree', '--config', 'configs/good.json']);
      assert.equal(run.status, 1, run.stderr);
      assert.ok(!doc.findings.some((f: any) => f.file.startsWith('virt/')), 'virt/** ignored');
      assert.deepEqual(doc.findings.map((f: any) => `${f.rule}:${f.severity}`), ['PC001:error', 'PC001:error', 'PC001:error']);
      const text = pagecheck(['tree', '--config', 'configs/good.json']);
      assert.match(text.stdout, /^tree\/mm\/helper\.c:7:9: error: /);
    });

    it('PC005 off in the config: the hint disappears', () => {
      assert.equal(json(['tree/mm/helper.c']).doc.findings.length, 1);
      assert.equal(json(['tree/mm/helper.c', '--config', 'configs/good.json']).doc.findings.length, 0);
    });

    it('.pagecheck.json at the root is read by default; its contracts and ignores apply', () => {
      const { run, doc } = json(['withconfig']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(doc.stats.files, 1, 'generated/** ignored');
      assert.equal(doc.functions[0].verdict, 'safe');
      assert.match(doc.functions[0].reason, /my_pin_page/);
      // The same file without the configuration: the helper is unknown, the page unpinned.
      const s = scratchCopy('withconfig');
      try {
        fs.rmSync(path.join(s.dir, '.pagecheck.json'));
        const bare = json([s.dir]).doc;
        assert.deepEqual(bare.findings.map((f: any) => `${f.rule} ${f.file}`), ['PC001 generated/gen.c', 'PC001 pin.c']);
      } finally { s.cleanup(); }
    });

    it('a missing --config file is exit 2 naming it', () => {
      const r = pagecheck(['tree', '--config', 'configs/nope.json']);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, 'pagecheck: configs/nope.json: cannot read the configuration: no such file\n');
    });

    it('each malformed config is exit 2, one line per error naming its key, and the audit goes on with defaults', () => {
      const s = scratchDir();
      const cases: Array<[string, string]> = [
        ['{ "contracts": [ ', 'bad.json:1:18: invalid JSON: '],
        ['{ "ignores": [] }', 'bad.json: ignores: unknown key'],
        ['{ "contracts": {} }', 'bad.json: contracts: expected an array'],
        ['{ "contracts": [ { "effect": "takes-ref" } ] }', 'bad.json: contracts[0].name: missing'],
        ['{ "contracts": [ { "name": "a", "effect": "takes-ref" }, { "name": "b", "effect": "takes-ref" }, { "name": "c", "effect": "x" } ] }',
          'bad.json: contracts[2].effect: unknown effect "x" (expected one of returns-ref, '],
        ['{ "contracts": [ { "pattern": "Page[", "effect": "memmap-read" } ] }', 'bad.json: contracts[0].pattern: invalid regular expression'],
        ['{ "severity": { "PC001": "loud" } }', 'bad.json: severity.PC001: unknown severity "loud"'],
        ['{ "severity": { "PC042": "off" } }', 'bad.json: severity.PC042: unknown rule'],
        ['{ "ignore": [ "/abs/**" ] }', 'bad.json: ignore[0]: "/abs/**" is absolute'],
        ['{ "ignore": [ 3 ] }', 'bad.json: ignore[0]: expected a glob string'],
        ['{ "maxFileSize": "1MB" }', 'bad.json: maxFileSize: expected a positive whole number'],
      ];
      try {
        for (const [text, expected] of cases) {
          fs.writeFileSync(path.join(s.dir, 'bad.json'), text);
          const r = pagecheck([path.join(FIX, 'tree'), '--config', 'bad.json'], s.dir);
          assert.equal(r.status, 2, text);
          assert.match(r.stdout, /\[PC001\]/, `the audit still runs with defaults: ${text}`);
          assert.ok(r.stderr.startsWith(`pagecheck: ${expected}`), `${text}\n→ ${r.stderr}`);
        }
        // Several errors: one line each.
        fs.writeFileSync(path.join(s.dir, 'bad.json'), '{ "ignores": 1, "severity": { "PC001": "x" } }');
        const r = pagecheck([path.join(FIX, 'tree'), '--config', 'bad.json'], s.dir);
        assert.deepEqual(r.stderr.trimEnd().split('\n').filter((l) => l.includes('bad.json')).map((l) => l.split(': ').slice(0, 3).join(': ')), [
          'pagecheck: bad.json: ignores', 'pagecheck: bad.json: severity.PC001',
        ]);
      } finally { s.cleanup(); }
    });

    it('a bad default .pagecheck.json is an error too (never silently ignored)', () => {
      const s = scratchCopy('tree');
      try {
        fs.writeFileSync(path.join(s.dir, '.pagecheck.json'), '{ "severity": { "PC001": "of" } }');
        const r = pagecheck(['.'], s.dir);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^pagecheck: \.pagecheck\.json: severity\.PC001: unknown severity "of"/);
      } finally { s.cleanup(); }
    });

    it('maxFileSize: larger files are skipped with a reason, counted, and the rest is audited', () => {
      const s = scratchDir();
      try {
        fs.writeFileSync(path.join(s.dir, 'small.json'), '{ "maxFileSize": 200 }');
        const { run, doc } = json([path.join(FIX, 'tree'), '--config', 'small.json'], s.dir);
        assert.ok(doc.skipped.some((k: any) => k.file === 'mm/memory.c' && /maxFileSize/.test(k.reason)), JSON.stringify(doc.skipped));
        assert.match(run.stderr, /pagecheck: \d+ files skipped \(.*over maxFileSize; --verbose names them\)/);
        assert.ok(doc.stats.files >= 1 && doc.stats.files < 5);
      } finally { s.cleanup(); }
    });
  });

  describe('--kernel-version', () => {
    it('defaults to the Makefile at the root', () => {
      const { run, doc } = json(['version']);
      assert.equal(doc.kernelVersion, '5.4');
      assert.equal(run.status, 0); // folio_is_zone_device() is not a 5.4 API
      assert.deepEqual(doc.findings, []);
    });

    it('looks for the Makefile above the root', () => {
      assert.equal(json(['version/mm']).doc.kernelVersion, '5.4');
    });

    it('selects the contract set', () => {
      const { run, doc } = json(['version', '--kernel-version', '6.1']);
      assert.equal(run.status, 1);
      assert.equal(doc.kernelVersion, '6.1');
      assert.deepEqual(doc.findings.map((f: any) => `${f.rule} ${f.file}:${f.line}`), ['PC001 mm/folio.c:9']);
      assert.equal(json(['version', '--kernel-version=6.1.12']).doc.kernelVersion, '6.1');
    });
  });

  describe('progress', () => {
    const fake = (isTTY: boolean) => {
      const writes: string[] = [];
      return { writes, stream: { isTTY, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WriteStream };
    };

    it('one self-overwriting line on a terminal, cleared at the end', () => {
      const t = fake(true);
      const p = new Progress(t.stream);
      p.update('parsing 1/2 files');
      p.update('parsing 2/2 files'); // throttled: within 100 ms of the last one
      p.clear();
      assert.deepEqual(t.writes, ['\r\x1b[Kpagecheck: parsing 1/2 files', '\r\x1b[K']);
    });

    it('nothing at all when stderr is not a terminal', () => {
      const t = fake(false);
      const p = new Progress(t.stream);
      p.update('parsing 1/2 files');
      p.clear();
      assert.deepEqual(t.writes, []);
    });
  });

  describe('--jobs', () => {
    it('worker threads and in-process parsing give identical results', () => {
      const s = scratchDir();
      try {
        // Enough files that --jobs 2 really uses worker threads.
        for (let i = 0; i < 40; i++) {
          fs.mkdirSync(path.join(s.dir, `d${i % 4}`), { recursive: true });
          fs.writeFileSync(path.join(s.dir, `d${i % 4}`, `f${i}.c`), [
            `int helper_${i}(struct page *page)`, '{', '\treturn is_zone_device_page(page);', '}',
            `static int walk_${i}(pte_t pte)`, '{', `\treturn helper_${(i + 1) % 40}(pte_page(pte));`, '}', '',
          ].join('\n'));
        }
        fs.writeFileSync(path.join(s.dir, 'd0', 'bin.c'), Buffer.from([0x7f, 0x45, 0, 0, 1, 2]));
        const one = json(['.', '--jobs', '1'], s.dir);
        const two = json(['.', '--jobs', '2'], s.dir);
        assert.equal(one.run.status, 1);
        assert.equal(two.run.status, 1);
        delete one.doc.stats.ms;
        delete two.doc.stats.ms;
        assert.deepEqual(two.doc, one.doc);
        assert.equal(one.doc.findings.length, 40);
        assert.equal(one.doc.stats.files, 40);
        assert.deepEqual(one.doc.skipped, [{ file: 'd0/bin.c', reason: 'binary file (NUL bytes)' }]);
      } finally { s.cleanup(); }
    });
  });
});
