// The real kernel: Debian's linux-source-6.1 (scripts/kernel.sh), audited over a slice and compared with a reviewer's
// hand audit per test site (test/kernel/hand-audit-6.1-tests.json: every ZONE_DEVICE test; hand-audit-6.1-memmap.json:
// PC003/PC004 candidates both ways; reasons in docs/kernel-audit-6.1.md). Cost: one CLI run over ~10,000 files,
// about 30 s cold on two cores.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers';
import { AuditJson, compareMemmap, compareTest } from './kernel-compare';
import { describeHandAudits } from './kernel-suites';

const KERNEL = path.join(ROOT, '.kernel', 'linux-source-6.1');
/** The slice plus the directories and files the hand audit's sites live in. */
const SLICE = ['mm', 'fs', 'virt', 'include', 'arch/x86', 'drivers/vfio', 'kernel/dma', 'kernel/iomem.c', 'drivers/base', 'arch/arm/mm', 'arch/mips/mm'];

/**
 * Sites where the tool and the hand audit still differ, and why: real, explained limits only. Keyed
 * `file:line predicate`. A listed site that starts to agree fails (take it off the list), and no hand "unsafe"
 * may ever be called "safe" by the tool.
 */
const KNOWN_TESTS: Record<string, string> = {
};
const KNOWN_MEMMAP: Record<string, string> = {};

/** The agreement this tree must keep (per test site); a regression of the hand audits fails the suite. */
const MIN_TEST_AGREEMENT = 0.95;
const MIN_MEMMAP_AGREEMENT = 0.95;

describe('the real kernel: linux-source-6.1, per test site', function () {
  this.timeout(600000);
  let json: AuditJson & { stats: Record<string, number> };

  before(function () {
    if (!fs.existsSync(path.join(KERNEL, 'mm', 'memory.c'))) { console.log('      skip: no kernel tree (bash scripts/kernel.sh)'); this.skip(); }
    // Not inside .kernel/: several checkouts (git worktrees) may share one set of kernel trees.
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-slice-')), 'slice.json');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), '--format', 'json', '--output', out, ...SLICE], { cwd: KERNEL, encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 1, `cli failed: ${r.stderr}`);
    json = JSON.parse(fs.readFileSync(out, 'utf8'));
  });

  it('audits the slice with almost every function analysed', () => {
    assert.ok(json.stats.files > 8000, `files: ${json.stats.files}`);
    assert.ok(json.stats.functionsNotAnalyzed < json.stats.functions / 100, JSON.stringify(json.stats));
  });

  describeHandAudits([
    { name: 'ZONE_DEVICE tests', file: 'hand-audit-6.1-tests.json', known: KNOWN_TESTS, min: MIN_TEST_AGREEMENT, compare: compareTest },
    { name: 'memmap candidates', file: 'hand-audit-6.1-memmap.json', known: KNOWN_MEMMAP, min: MIN_MEMMAP_AGREEMENT, compare: compareMemmap },
  ], KERNEL, () => json);
});
