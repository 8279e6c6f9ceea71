// Today's kernel: Debian's linux-source-7.3 (7.3.4, scripts/kernel.sh 7), audited over a slice and compared with a
// reviewer's hand audit per site, like test/kernel.test.ts does for 6.1 (test/kernel/hand-audit-7.3-tests.json: every
// ZONE_DEVICE test of the slice's ZONE_DEVICE code, plus the leaf-entry decodes and entry tests on the way to them;
// hand-audit-7.3-memmap.json: PC003/PC004 candidates both ways; judgements in docs/precision-7.x.md).
// Cost: one CLI run over ~10,500 files, about 30 s cold on two cores (~400 MB); skipped without the tree.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers';
import { AuditJson, compareMemmap, compareTest } from './kernel-compare';
import { describeHandAudits } from './kernel-suites';

const KERNEL = path.join(ROOT, '.kernel', 'linux-source-7.3');
/** The hand audit cites lines of this release; a later 7.3.y finds its sites again by their text (kernel-suites.ts). */
const RELEASE = '7.3.4';
/**
 * The slice plus the directories and files the hand audit's sites live in (kernel/power for
 * mark_free_pages(), the arm and mips mm code for the configuration answers). The whole tree is the scale work's
 * (docs/performance.md).
 */
const SLICE = ['mm', 'fs', 'virt', 'include', 'arch/x86', 'drivers/vfio', 'kernel/dma', 'kernel/iomem.c', 'kernel/power', 'drivers/base', 'arch/arm/mm', 'arch/mips/mm'];

/**
 * Sites where the tool and the hand audit still differ, and why: real, explained limits only. Keyed
 * `file:line predicate`. A listed site that starts to agree fails (take it off the list), and no hand "unsafe"
 * may ever be called "safe" by the tool.
 */
const KNOWN_TESTS: Record<string, string> = {
};
const KNOWN_MEMMAP: Record<string, string> = {};

/** The agreement this tree must keep (per site); a regression of the hand audits fails the suite. */
const MIN_TEST_AGREEMENT = 0.95;
const MIN_DECODE_AGREEMENT = 0.95;
const MIN_MEMMAP_AGREEMENT = 0.95;

function release(tree: string): string {
  const mk = fs.readFileSync(path.join(tree, 'Makefile'), 'utf8');
  const v = (k: string) => new RegExp(`^${k} = (\\d+)`, 'm').exec(mk)?.[1];
  return [v('VERSION'), v('PATCHLEVEL'), v('SUBLEVEL')].join('.');
}

describe('the real kernel: linux-source-7.3, per site', function () {
  this.timeout(600000);
  let json: AuditJson & { stats: Record<string, number>; kernelVersion?: string; contractsCheckedThrough?: string };
  let stderr = '';

  before(function () {
    if (!fs.existsSync(path.join(KERNEL, 'mm', 'memory.c'))) { console.log('      skip: no 7.3 tree (bash scripts/kernel.sh 7)'); this.skip(); }
    const got = release(KERNEL);
    if (!got.startsWith(RELEASE.replace(/\d+$/, ''))) { console.log(`      skip: the hand audit is of ${RELEASE}, the tree is ${got}: re-audit test/kernel/hand-audit-7.3-*.json`); this.skip(); }
    // Not inside .kernel/: several checkouts (git worktrees) may share one set of kernel trees.
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-slice7-')), 'slice.json');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), '--format', 'json', '--output', out, ...SLICE], { cwd: KERNEL, encoding: 'utf8' });
    assert.ok(r.status === 0 || r.status === 1, `cli failed: ${r.stderr}`);
    stderr = r.stderr;
    json = JSON.parse(fs.readFileSync(out, 'utf8'));
  });

  it('audits the slice with almost every function analysed', () => {
    assert.ok(json.stats.files > 9000, `files: ${json.stats.files}`);
    assert.ok(json.stats.functionsNotAnalyzed < json.stats.functions / 100, JSON.stringify(json.stats));
  });

  it('a tree the contract table covers: no "newer than" note', () => {
    assert.equal(json.contractsCheckedThrough, undefined);
    assert.doesNotMatch(stderr, /newer than/);
  });

  describeHandAudits([
    { name: 'ZONE_DEVICE tests', file: 'hand-audit-7.3-tests.json', known: KNOWN_TESTS, min: MIN_TEST_AGREEMENT, compare: compareTest, only: (h) => !h.site },
    { name: 'leaf-entry decodes and entry tests', file: 'hand-audit-7.3-tests.json', known: KNOWN_TESTS, min: MIN_DECODE_AGREEMENT, compare: compareTest, only: (h) => !!h.site },
    { name: 'memmap candidates', file: 'hand-audit-7.3-memmap.json', known: KNOWN_MEMMAP, min: MIN_MEMMAP_AGREEMENT, compare: compareMemmap },
  ], KERNEL, () => json);
});
