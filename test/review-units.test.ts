// The pieces under `review` and CI: line-free fingerprints and baselines (a baselined finding never comes back
// because code moved), `.pagecheck.json` suppressions, the placeholder reason, the kernel configuration parser and
// Kbuild's sparse-style arguments.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUPPRESSION_REASON_PLACEHOLDER, auditTexts, fingerprints, isEnabled, parseConfig, parseKconfig, tristate } from '../engine';
import { parseKbuildArgs } from '../cli/kbuild';
import { ensureBuilt, json, pagecheck, scratchDir } from './fixtures-cli/harness';

const HELPER = [
  'static bool page_is_devmem(struct page *page)',
  '{',
  '\treturn is_zone_device_page(page);',
  '}',
];
const CALLER = [
  'int check_pte(pte_t pte)',
  '{',
  '\treturn page_is_devmem(pte_page(pte));',
  '}',
];
const OTHER = [
  'int other(struct page *page)',
  '{',
  '\tget_page(page);',
  '\treturn is_zone_device_page(page);',
  '}',
];

async function fps(text: string): Promise<string[]> {
  const { result } = await auditTexts([{ path: 'mm/a.c', text }]);
  const findings = result.findings.map((f) => ({ rule: f.rule, file: f.loc.file, function: f.fn, message: f.message, related: f.related }));
  return fingerprints(findings).sort();
}

describe('fingerprints and baselines', () => {
  it('moving a function, adding lines above it, or editing another function keeps every fingerprint', async () => {
    const base = await fps([...HELPER, '', ...CALLER, '', ...OTHER, ''].join('\n'));
    assert.equal(base.length, 1);
    assert.deepEqual(await fps(['/* a new comment', ' * of three lines */', '', ...HELPER, '', ...CALLER, '', ...OTHER, ''].join('\n')), base, 'lines above');
    const moved = await fps([...OTHER, '', ...HELPER, '', '', '', ...CALLER, ''].join('\n'));
    assert.deepEqual(moved, base, 'moved within the file');
    const edited = await fps([...HELPER, '', ...CALLER, '', ...OTHER.map((l) => l.replace('get_page(page);', 'get_page(page);\n\tpage_ref_inc(page);')), ''].join('\n'));
    assert.deepEqual(edited, base, 'another function edited');
  });

  it('--write-baseline then --baseline: nothing is new after unrelated edits; a new finding is', () => {
    ensureBuilt();
    const s = scratchDir();
    try {
      fs.mkdirSync(path.join(s.dir, 'mm'));
      const file = path.join(s.dir, 'mm', 'a.c');
      fs.writeFileSync(file, [...HELPER, '', ...CALLER, '', ...OTHER, ''].join('\n'));
      const w = pagecheck(['.', '--write-baseline', 'base.json'], s.dir);
      assert.equal(w.status, 1, w.stderr);
      const recorded = JSON.parse(fs.readFileSync(path.join(s.dir, 'base.json'), 'utf8'));
      assert.equal(recorded.findings.length, 1);
      // Lines above, the function moved below its caller, another function edited.
      fs.writeFileSync(file, ['/* moved */', '', ...OTHER.map((l) => l.replace('get_page(page);', 'get_page(page);\n\tpage_ref_inc(page);')), '', ...CALLER, '', ...HELPER, ''].join('\n').replace('static bool', 'bool'));
      const again = pagecheck(['.', '--baseline', 'base.json'], s.dir);
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.equal(again.stdout, '');
      assert.match(again.stderr, /1 in the baseline/);
      // A new unsafe test is reported, and fails the run.
      fs.appendFileSync(file, ['int fresh(pte_t pte)', '{', '\treturn is_zone_device_page(pte_page(pte));', '}', ''].join('\n'));
      const fresh = json(['.', '--baseline', 'base.json'], s.dir);
      assert.equal(fresh.run.status, 1);
      assert.deepEqual(fresh.doc.findings.map((f: any) => f.function), ['fresh']);
      const bad = pagecheck(['.', '--baseline', 'nope.json'], s.dir);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^pagecheck: --baseline nope\.json: no such file\n$/);
    } finally { s.cleanup(); }
  });
});

describe('suppressions outside the source (.pagecheck.json)', () => {
  it('suppress with their reason (JSON, SARIF "external"); one that matches nothing is a note; bad entries name their key', () => {
    ensureBuilt();
    const s = scratchDir();
    try {
      fs.mkdirSync(path.join(s.dir, 'mm'));
      fs.writeFileSync(path.join(s.dir, 'mm', 'a.c'), [...HELPER, '', ...CALLER, ''].join('\n'));
      fs.writeFileSync(path.join(s.dir, '.pagecheck.json'), JSON.stringify({ suppressions: [
        { file: 'mm/*.c', function: 'page_is_devmem', rule: 'PC001', reason: 'the callers hold the PTL on a legacy-free arch' },
        { file: 'drivers/**', rule: 'PC003', reason: 'stale: nothing there any more' },
      ] }, null, 2));
      const { run, doc } = json(['.'], s.dir);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(doc.findings.map((f: any) => [f.function, f.suppressed, f.suppressedBy, f.justification]), [['page_is_devmem', true, 'config', 'the callers hold the PTL on a legacy-free arch']]);
      assert.deepEqual(doc.unusedSuppressions.map((u: any) => [u.index, u.file, u.line]), [[1, 'drivers/**', 9]]);
      const text = pagecheck(['.'], s.dir);
      assert.match(text.stdout, /^\.pagecheck\.json:9:1: note: suppressions\[1\] \(PC003, drivers\/\*\*\) matches no finding: remove it$/m);
      const sarif = JSON.parse(pagecheck(['.', '--format', 'sarif'], s.dir).stdout);
      assert.deepEqual(sarif.runs[0].results[0].suppressions, [{ kind: 'external', justification: 'the callers hold the PTL on a legacy-free arch' }]);
    } finally { s.cleanup(); }
    const { errors } = parseConfig(JSON.stringify({ suppressions: [{ file: 'mm/a.c', rule: 'PC001' }, { file: '/abs', rule: 'PC009', reason: 'x' }, { file: 'a.c', rule: 'PC001', reason: SUPPRESSION_REASON_PLACEHOLDER }] }), 'c.json');
    assert.deepEqual(errors.map((e) => e.key), ['suppressions[0].reason', 'suppressions[1].file', 'suppressions[1].rule', 'suppressions[2].reason']);
    assert.match(errors[3].message, /still the placeholder/);
  });

  it('a comment whose reason is still the quick fix\'s placeholder suppresses nothing (PC000 until a reason is written)', async () => {
    const text = [
      'int walk(pte_t pte)', '{', `\t/* pagecheck: ignore PC001 -- ${SUPPRESSION_REASON_PLACEHOLDER} */`, '\treturn is_zone_device_page(pte_page(pte));', '}', '',
    ].join('\n');
    const placeholder = (await auditTexts([{ path: 'a.c', text }])).result.findings.map((f) => `${f.rule} ${f.suppressed}`).sort();
    assert.deepEqual(placeholder, ['PC000 false', 'PC001 false']);
    const real = (await auditTexts([{ path: 'a.c', text: text.replace(SUPPRESSION_REASON_PLACEHOLDER, 'the PTL is held by every caller') }])).result.findings.map((f) => `${f.rule} ${f.suppressed}`);
    assert.deepEqual(real, ['PC001 true']);
  });
});

describe('kernel configuration (engine/files/kconfig.ts)', () => {
  it('.config: y, m, n, strings, numbers, "is not set"; bad lines are errors naming the line, the rest is read', () => {
    const cfg = parseKconfig([
      '#', '# Automatically generated file; DO NOT EDIT.', '#', 'CONFIG_ZONE_DEVICE=y', 'CONFIG_HMM_MIRROR=m', '# CONFIG_MEMORY_HOTPLUG is not set',
      'CONFIG_LOCALVERSION="-test \\"q\\""', 'CONFIG_NR_CPUS=64', 'CONFIG_PHYSICAL_START=0x1000000', 'garbage here', 'CONFIG_BAD="unterminated', 'FOO=y', '',
    ].join('\n'));
    assert.equal(cfg.format, 'config');
    assert.equal(tristate(cfg, 'CONFIG_ZONE_DEVICE'), 'y');
    assert.equal(tristate(cfg, 'HMM_MIRROR'), 'm');
    assert.equal(tristate(cfg, 'CONFIG_MEMORY_HOTPLUG'), 'n');
    assert.equal(tristate(cfg, 'CONFIG_NOT_THERE'), 'n');
    assert.equal(isEnabled(cfg, 'CONFIG_HMM_MIRROR'), true);
    assert.equal(isEnabled(cfg, 'CONFIG_MEMORY_HOTPLUG'), false);
    assert.deepEqual(cfg.symbols.get('CONFIG_LOCALVERSION'), { value: '-test "q"', kind: 'string', line: 7 });
    assert.deepEqual(cfg.symbols.get('CONFIG_NR_CPUS'), { value: 64, kind: 'int', line: 8 });
    assert.deepEqual(cfg.symbols.get('CONFIG_PHYSICAL_START'), { value: 0x1000000, kind: 'hex', line: 9 });
    assert.deepEqual(cfg.errors.map((e) => e.line), [10, 11, 12]);
    assert.match(cfg.errors[0].message, /not a "CONFIG_NAME=value" line/);
    assert.match(cfg.errors[1].message, /CONFIG_BAD: cannot read the value/);
  });

  it('autoconf.h: #define CONFIG_X 1, CONFIG_X_MODULE for =m, strings and numbers; comments skipped', () => {
    const cfg = parseKconfig([
      '/*', ' * Automatically generated file; DO NOT EDIT.', ' */', '#define CONFIG_ZONE_DEVICE 1', '#define CONFIG_HMM_MIRROR_MODULE 1',
      '#define CONFIG_CC_VERSION_TEXT "gcc (Debian 12.2.0-14) 12.2.0"', '#define CONFIG_NR_CPUS 64', '#if 0', '',
    ].join('\n'));
    assert.equal(cfg.format, 'autoconf');
    assert.equal(tristate(cfg, 'CONFIG_ZONE_DEVICE'), 'y');
    assert.equal(tristate(cfg, 'CONFIG_HMM_MIRROR'), 'm');
    assert.equal(cfg.symbols.has('CONFIG_HMM_MIRROR_MODULE'), false);
    assert.equal(cfg.symbols.get('CONFIG_CC_VERSION_TEXT')?.value, 'gcc (Debian 12.2.0-14) 12.2.0');
    assert.deepEqual(cfg.errors, [{ line: 8, message: 'unexpected directive "#if" in an autoconf.h' }]);
  });

  it('--kconfig: errors on stderr naming the line, exit 2, the audit still runs; a missing file is a usage error', () => {
    ensureBuilt();
    const s = scratchDir();
    try {
      fs.writeFileSync(path.join(s.dir, 'a.c'), ['int walk(pte_t pte)', '{', '\treturn is_zone_device_page(pte_page(pte));', '}', ''].join('\n'));
      fs.writeFileSync(path.join(s.dir, 'my.config'), 'CONFIG_ZONE_DEVICE=y\nCONFIG_X=maybe\n');
      const r = pagecheck(['.', '--kconfig', 'my.config'], s.dir);
      assert.equal(r.status, 2);
      assert.match(r.stdout, /\[PC001\]/);
      assert.match(r.stderr, /^pagecheck: my\.config:2: CONFIG_X: cannot read the value "maybe"/m);
      const missing = pagecheck(['.', '--kconfig', 'nope'], s.dir);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /^pagecheck: --kconfig nope: cannot read the kernel configuration: no such file\n$/);
    } finally { s.cleanup(); }
  });
});

describe('--kbuild arguments (sparse-style, as make C=1 passes them)', () => {
  it('reads -D, -U, -I, -include, -imacros, -W…, -m…, --arch= and the file; everything else is ignored', () => {
    // The shape of Kbuild's `$(CHECK) $(CHECKFLAGS) $(c_flags) $<` for mm/memremap.c on x86_64 (6.1).
    const a = parseKbuildArgs([
      '-D__linux__', '-Dlinux', '-D__STDC__', '-Dunix', '-D__unix__', '-Wbitwise', '-Wno-return-void', '-Wno-unknown-attribute', '-D__x86_64__',
      '--arch=x86', '-mlittle-endian', '-m64', '-Wp,-MMD,mm/.memremap.o.d', '-nostdinc', '-I./arch/x86/include', '-I', './include',
      '-include', './include/linux/compiler-version.h', '-include', './include/linux/kconfig.h', '-D__KERNEL__', '-fmacro-prefix-map=./=',
      '-Wall', '-O2', '-std=gnu11', '-DKBUILD_MODFILE="mm/memremap"', '-DKBUILD_BASENAME="memremap"', '-U', 'FOO', '-imacros', 'x.h', 'mm/memremap.c',
    ]);
    assert.deepEqual(a.files, ['mm/memremap.c']);
    assert.equal(a.arch, 'x86');
    assert.deepEqual(a.machine, ['-mlittle-endian', '-m64']);
    assert.equal(a.defines.get('KBUILD_BASENAME'), '"memremap"');
    assert.equal(a.defines.get('__KERNEL__'), '1');
    assert.deepEqual(a.undefines, ['FOO']);
    assert.deepEqual(a.includeDirs, ['./arch/x86/include', './include']);
    assert.deepEqual(a.forcedIncludes, ['./include/linux/compiler-version.h', './include/linux/kconfig.h', 'x.h']);
    assert.deepEqual(a.warnings, ['-Wbitwise', '-Wno-return-void', '-Wno-unknown-attribute', '-Wall']);
    assert.ok(a.ignored.includes('-Wp,-MMD,mm/.memremap.o.d') && a.ignored.includes('-O2'));
  });

  it('the CLI: findings of the file only, on stderr, gcc-style, exit 0 like sparse; no file is exit 2', () => {
    ensureBuilt();
    const s = scratchDir();
    try {
      // A tiny kernel-shaped tree: the file's caller is in another file of $(srctree).
      for (const f of ['Makefile', 'Kbuild', 'Kconfig']) fs.writeFileSync(path.join(s.dir, f), f === 'Makefile' ? 'VERSION = 6\nPATCHLEVEL = 1\n' : '');
      fs.mkdirSync(path.join(s.dir, 'include', 'linux'), { recursive: true });
      fs.mkdirSync(path.join(s.dir, 'include', 'generated'), { recursive: true });
      fs.writeFileSync(path.join(s.dir, 'include', 'generated', 'autoconf.h'), '#define CONFIG_ZONE_DEVICE 1\n');
      fs.mkdirSync(path.join(s.dir, 'mm'));
      fs.writeFileSync(path.join(s.dir, 'mm', 'helper.c'), [...HELPER.map((l) => l.replace('static ', '')), ''].join('\n'));
      fs.writeFileSync(path.join(s.dir, 'mm', 'caller.c'), [...CALLER, ''].join('\n'));
      const r = pagecheck(['--kbuild', '-D__KERNEL__', '-Wbitwise', '--arch=x86', '-m64', '-include', './include/linux/kconfig.h', '-I./include', 'mm/helper.c'], s.dir);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^mm\/helper\.c:3:\d+: warning: unsafe: .*\(mm\/caller\.c:3\); passed to page_is_devmem\(\) by check_pte\(\) \[PC001\]\nmm\/caller\.c:3:\d+: note: page from pte_page\(\)/);
      const other = pagecheck(['--kbuild', '-D__KERNEL__', 'mm/caller.c'], s.dir);
      assert.equal(other.status, 0);
      assert.equal(other.stderr, '', 'the finding is in helper.c, not in the file checked');
      const none = pagecheck(['--kbuild', '-D__KERNEL__'], s.dir);
      assert.equal(none.status, 2);
      assert.match(none.stderr, /no source file in the arguments/);
    } finally { s.cleanup(); }
  });
});
