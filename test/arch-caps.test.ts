// The tree's own Kconfig decides which architectures can have memory hotplug or ZONE_DEVICE
// (engine/files/kconfig-model.ts, arch-caps.ts): a small kernel-style Kconfig tree written for these tests,
// then the real 6.1 and 7.3 trees when they are present.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseKconfigSource, parseExpr } from '../engine/files/kconfig-lang';
import { parseKconfig as parseDotConfig } from '../engine/files/kconfig';
import { TreeKconfig } from '../engine/files/kconfig-model';
import { archCapabilities, archOfFile, TreeConfigScope } from '../engine/files/arch-caps';
import { auditDir, ROOT } from './helpers';

const FIXTURE = path.join(ROOT, 'test', 'fixtures-kconfig', 'tree');
const dotConfig = (text: string) => parseDotConfig(text, 'config');

describe('Kconfig: the language', () => {
  it('reads entries, block dependencies, defaults, selects, sources and skips help text', () => {
    const f = parseKconfigSource(fs.readFileSync(path.join(FIXTURE, 'mm', 'Kconfig'), 'utf8'), 'mm/Kconfig');
    const names = f.entries.map((e) => e.name);
    assert.deepEqual(names, ['SPARSEMEM', 'ARCH_SPARSEMEM_ENABLE', 'ARCH_ENABLE_MEMORY_HOTPLUG', 'MEMORY_HOTPLUG', 'MEMORY_HOTREMOVE', 'ARCH_HAS_PTE_DEVMAP', 'ZONE_DEVICE']);
    const hotremove = f.entries.find((e) => e.name === 'MEMORY_HOTREMOVE')!;
    assert.deepEqual(hotremove.deps, [{ k: 'sym', name: 'MEMORY_HOTPLUG' }], 'the enclosing `if` is a dependency');
    const zd = f.entries.find((e) => e.name === 'ZONE_DEVICE')!;
    assert.deepEqual(zd.deps, [{ k: 'and', a: { k: 'sym', name: 'MEMORY_HOTREMOVE' }, b: { k: 'sym', name: 'ARCH_HAS_PTE_DEVMAP' } }], 'a continued line is one line');
    assert.equal(f.entries.find((e) => e.name === 'MEMORY_HOTPLUG')!.prompt !== undefined, true);
    assert.equal(f.entries.find((e) => e.name === 'ARCH_ENABLE_MEMORY_HOTPLUG')!.prompt, undefined);
  });

  it('parses expressions: precedence, negation, comparisons, macros stay undecided', () => {
    assert.deepEqual(parseExpr('A || B && !C'), { k: 'or', a: { k: 'sym', name: 'A' }, b: { k: 'and', a: { k: 'sym', name: 'B' }, b: { k: 'not', e: { k: 'sym', name: 'C' } } } });
    assert.deepEqual(parseExpr('X86 = y'), { k: 'sym', name: 'X86' });
    assert.deepEqual(parseExpr('X86 != n'), { k: 'sym', name: 'X86' });
    assert.deepEqual(parseExpr('X86 = n'), { k: 'not', e: { k: 'sym', name: 'X86' } });
    assert.deepEqual(parseExpr('"$(ARCH)" = "x86"'), { k: 'unknown' });
    assert.deepEqual(parseExpr('(A)'), { k: 'sym', name: 'A' });
  });

  it('records choice membership and select conditions', () => {
    const f = parseKconfigSource(fs.readFileSync(path.join(FIXTURE, 'arch', 'dual', 'Kconfig'), 'utf8'), 'arch/dual/Kconfig');
    const c32 = f.entries.find((e) => e.name === '32BIT')!;
    const c64 = f.entries.find((e) => e.name === '64BIT')!;
    assert.ok(c32.choice && c32.choice === c64.choice);
    assert.equal(f.entries.find((e) => e.name === 'HIGHMEM')!.choice, undefined);
    assert.deepEqual(f.entries[0].selects[1], { name: 'ARCH_ENABLE_MEMORY_HOTPLUG', cond: { k: 'sym', name: '64BIT' } });
  });
});

describe('Kconfig: what each architecture of a tree can enable', () => {
  const tree = TreeKconfig.read(FIXTURE)!;
  const caps = Object.fromEntries(archCapabilities(tree).map((c) => [c.arch, c]));

  it('finds the architectures from arch/*/Kconfig', () => {
    assert.deepEqual(tree.arches, ['big64', 'broken', 'cond', 'dual', 'mixed', 'small32', 'sub']);
  });

  it('hotplug and ZONE_DEVICE per architecture, from selects and dependencies', () => {
    const got = Object.fromEntries(Object.entries(caps).map(([a, c]) => [a, `${c.hotplug ? 'H' : '-'}${c.zoneDevice ? 'Z' : '-'}${c.complete ? '' : '?'}`]));
    assert.deepEqual(got, {
      big64: 'HZ', // selects both enablers, 64BIT forced
      broken: 'HZ?', // a sourced file is missing: assumed capable
      cond: '--', // the enabler is selected only under an undefined symbol
      dual: 'HZ', // 64BIT is one choice of two
      mixed: 'H-', // no ARCH_HAS_PTE_DEVMAP (the continued `depends on` line counts)
      small32: '--', // selects the enabler, but MEMORY_HOTPLUG needs 64BIT, which it does not define
      sub: 'H-', // the enabler is selected in a file sourced with rsource
    });
  });

  it('help text defines nothing', () => {
    assert.equal(tree.arch('big64').defines('HELP_ONLY'), false);
    assert.equal(tree.arch('big64').defines('MEMORY_HOTPLUG'), true);
  });

  it('mutually exclusive symbols: HIGHMEM needs 32BIT, hotplug 64BIT (a choice); not so where nothing keeps them apart', () => {
    assert.equal(tree.arch('dual').exclusive('HIGHMEM', 'MEMORY_HOTPLUG'), true);
    assert.equal(tree.arch('dual').exclusive('HIGHMEM_ALIAS', 'MEMORY_HOTPLUG'), true, 'through a prompt-less def_bool');
    assert.equal(tree.arch('dual').exclusive('32BIT', 'ZONE_DEVICE'), true);
    assert.equal(tree.arch('dual').exclusive('64BIT', 'ZONE_DEVICE'), false);
    assert.equal(tree.arch('mixed').exclusive('HIGHMEM', 'MEMORY_HOTPLUG'), false);
    assert.equal(tree.arch('small32').exclusive('HIGHMEM', 'MEMORY_HOTPLUG'), true, 'hotplug impossible there');
    assert.equal(tree.arch('broken').exclusive('HIGHMEM', 'MEMORY_HOTPLUG'), false, 'incomplete: nothing is claimed');
  });
});

describe('ConfigScope of a tree: files, architectures, a .config', () => {
  it('a file under arch/<a>/ is built for <a> only; other files for every architecture', () => {
    const s = new TreeConfigScope(FIXTURE);
    assert.equal(s.memmapHazard('arch/small32/mm/cache.c'), false);
    assert.equal(s.memmapHazard('arch/cond/mm/cache.c'), false);
    assert.equal(s.memmapHazard('arch/big64/mm/cache.c'), true);
    assert.equal(s.memmapHazard('arch/nosuch/mm/cache.c'), true, 'not an architecture of this tree: any');
    assert.equal(s.memmapHazard('mm/page_alloc.c'), true);
    assert.equal(archOfFile('arch/dual/include/asm/page.h', ['dual']), 'dual');
  });

  it('HIGHMEM-only reads are hazards only where HIGHMEM and hotplug/ZONE_DEVICE can coexist', () => {
    const s = new TreeConfigScope(FIXTURE);
    assert.equal(s.hazardWith('arch/dual/mm/highmem.c', 'HIGHMEM'), false);
    assert.equal(s.hazardWith('arch/mixed/mm/highmem.c', 'HIGHMEM'), true);
    assert.equal(s.hazardWith('arch/big64/mm/highmem.c', 'HIGHMEM'), false, 'big64 has no HIGHMEM');
    assert.equal(s.hazardWith('kernel/iomem.c', 'HIGHMEM'), true, 'mixed can build it');
  });

  it('a .config narrows to one configuration, and its architecture is the one that defines its symbols', () => {
    const dual64 = new TreeConfigScope(FIXTURE, dotConfig('CONFIG_DUAL=y\nCONFIG_64BIT=y\nCONFIG_MEMORY_HOTPLUG=y\nCONFIG_SPARSEMEM=y\n# CONFIG_HIGHMEM is not set\n'));
    assert.equal(dual64.configArch(), 'dual');
    assert.equal(dual64.memmapHazard('mm/page_alloc.c'), true);
    assert.equal(dual64.memmapHazard('arch/big64/mm/cache.c'), false, 'not built for this configuration');
    assert.equal(dual64.hazardWith('mm/page_alloc.c', 'HIGHMEM'), false, 'HIGHMEM is not set');
    const mixedNoHotplug = new TreeConfigScope(FIXTURE, dotConfig('CONFIG_MIXED=y\nCONFIG_HIGHMEM=y\n'));
    assert.equal(mixedNoHotplug.configArch(), 'mixed');
    assert.equal(mixedNoHotplug.memmapHazard('mm/page_alloc.c'), false, 'neither MEMORY_HOTPLUG nor ZONE_DEVICE set');
  });

  it('answers are kept on disk while every Kconfig file they were read from is unchanged', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-kconfig-'));
    try {
      fs.cpSync(FIXTURE, tmp, { recursive: true });
      // Whole seconds: a restored mtime is then exactly the one saved.
      const mm = path.join(tmp, 'mm', 'Kconfig');
      fs.utimesSync(mm, 1700000000, 1700000000);
      const cache = path.join(tmp, '.cache', 'kconfig-scope.json');
      const first = new TreeConfigScope(tmp, undefined, '', cache);
      assert.equal(first.memmapHazard('arch/small32/mm/cache.c'), false);
      first.flush();
      assert.ok(fs.existsSync(cache));
      // Reused: mm/Kconfig rewritten with the same size and mtime (MEMORY_HOTPLUG no longer needs 64BIT) is not
      // read again, so the saved answer stands; it is what size and mtime promise.
      const text = fs.readFileSync(mm, 'utf8');
      fs.writeFileSync(mm, text.replace('depends on 64BIT', 'depends on y    '));
      fs.utimesSync(mm, 1700000000, 1700000000);
      assert.equal(new TreeConfigScope(tmp, undefined, '', cache).memmapHazard('arch/small32/mm/cache.c'), false);
      assert.equal(new TreeConfigScope(tmp).memmapHazard('arch/small32/mm/cache.c'), true, 'read afresh, the edit counts');
      fs.writeFileSync(mm, text);
      fs.utimesSync(mm, 1700000000, 1700000000);
      const kconfig = path.join(tmp, 'arch', 'small32', 'Kconfig');
      const saved = fs.readFileSync(kconfig, 'utf8');
      // Changed: 64BIT defined there now, so small32 can hot-add; the saved answer is not used.
      fs.writeFileSync(kconfig, `${saved}\nconfig 64BIT\n\tdef_bool y\n`);
      assert.equal(new TreeConfigScope(tmp, undefined, '', cache).memmapHazard('arch/small32/mm/cache.c'), true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a tree without Kconfig: every read is a hazard (nothing is assumed away)', () => {
    const s = new TreeConfigScope(path.join(ROOT, 'test', 'fixtures', 'pc003'));
    assert.equal(s.memmapHazard('arch/arm/mm/flush.c'), true);
    assert.equal(s.hazardWith('kernel/iomem.c', 'HIGHMEM'), true);
  });
});

describe('ConfigScope in the audit: memmap reads by architecture (test/fixtures-kconfig/tree)', () => {
  // Inline markers as in test/fixtures/: `expect: ok` (no finding on the line) or the rule codes expected there.
  const expected = (text: string) => text.split('\n').flatMap((l, line) => {
    const m = /\/\*\s*expect:\s*([^*]*?)\s*\*\//.exec(l);
    return m ? [{ line, rules: m[1] === 'ok' ? [] : m[1].split(/\s+/) }] : [];
  });

  it('with the tree\'s Kconfig: reads under an architecture without hotplug/ZONE_DEVICE and HIGHMEM-only reads where HIGHMEM excludes hotplug are not findings', async () => {
    const { program, inputs } = await auditDir(FIXTURE);
    const result = program.audit({ config: new TreeConfigScope(FIXTURE) });
    const problems: string[] = [];
    for (const input of inputs) {
      for (const e of expected(input.text)) {
        const got = result.findings.filter((f) => f.loc.file === input.path && f.loc.line === e.line).map((f) => f.rule).sort();
        if (JSON.stringify(got) !== JSON.stringify(e.rules)) problems.push(`${input.path}:${e.line + 1}: expected ${e.rules.join(' ') || 'nothing'}, got ${got.join(' ') || 'nothing'}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(inputs.length >= 5);
  });

  it('without a scope (a tree pagecheck cannot read the Kconfig of) every one of them is a finding', async () => {
    const { result } = await auditDir(FIXTURE);
    const at = (file: string) => result.findings.filter((f) => f.loc.file === file).map((f) => f.rule).sort().join(' ');
    assert.equal(at('arch/small32/mm/cache.c'), 'PC003 PC004');
    assert.equal(at('arch/dual/mm/highmem.c'), 'PC003 PC003');
  });
});

for (const [version, hotplug, zoneDevice] of [
  ['6.1', 'arm64 ia64 loongarch powerpc s390 x86', 'arm64 powerpc x86'],
  ['7.3', 'arm64 loongarch powerpc riscv s390 x86', 'arm64 loongarch powerpc riscv s390 x86'],
] as const) {
  describe(`the real kernel's Kconfig: linux-source-${version}`, function () {
    this.timeout(120000);
    const root = path.join(ROOT, '.kernel', `linux-source-${version}`);
    let caps: ReturnType<typeof archCapabilities>;
    before(function () {
      if (!fs.existsSync(path.join(root, 'mm', 'Kconfig'))) { console.log('      skip: no kernel tree (bash scripts/kernel.sh)'); this.skip(); }
      caps = archCapabilities(TreeKconfig.read(root)!);
    });

    it('hotplug and ZONE_DEVICE architectures (um through $(HEADER_ARCH) = x86)', () => {
      const list = (f: (c: (typeof caps)[number]) => boolean) => caps.filter((c) => c.complete && f(c)).map((c) => c.arch).join(' ');
      assert.equal(list((c) => c.hotplug), hotplug);
      assert.equal(list((c) => c.zoneDevice), zoneDevice);
      assert.deepEqual(caps.filter((c) => !c.complete).map((c) => c.arch), []);
    });

    it('x86 and powerpc: HIGHMEM (32-bit) never comes with memory hotplug or ZONE_DEVICE (64-bit)', () => {
      const tree = TreeKconfig.read(root)!;
      for (const arch of ['x86', 'powerpc', 'loongarch']) {
        const a = tree.arch(arch);
        assert.equal(a.exclusive('HIGHMEM', 'MEMORY_HOTPLUG'), true, arch);
        assert.equal(a.exclusive('HIGHMEM', 'ZONE_DEVICE'), true, arch);
      }
      assert.equal(tree.arch('x86').exclusive('X86_64', 'MEMORY_HOTPLUG'), false, 'x86-64 with hotplug is possible');
      assert.equal(tree.arch('x86').exclusive('X86_32', 'MEMORY_HOTPLUG'), true, 'x86-32 cannot hot-add');
    });
  });
}
