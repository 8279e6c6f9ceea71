// The bundled examples/ tree reproduces the 2019 hand audit (docs/verdicts.md, the seed message): every function with a ZONE_DEVICE
// test must get the seed's verdict with the seed's reason, decided by the analysis from the code.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditDir, ROOT } from './helpers';

interface Row { function: string; file: string; verdict: string; rule: string | null; reasonMustMention: string[] }
const expected: Row[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'examples-expected.json'), 'utf8'));

/** The seed message's list, in its words (zone-device-audit-email.txt). */
const SEED: Record<string, string> = {
  smaps_pmd_entry: 'unsafe', put_devmap_managed_page: 'safe', is_device_private_page: 'safe', is_pci_p2pdma_page: 'safe',
  uncharge_page: 'unsafe? HMM', add_to_kill: 'safe', soft_offline_page: 'unsafe', remove_migration_pte: 'unsafe? HMM',
  move_to_new_page: 'unsafe? HMM', migrate_vma_pages: 'unsafe? HMM', try_to_unmap_one: 'unsafe? HMM', __put_page: 'safe',
  release_pages: 'safe',
};

describe('examples/: the seed audit, decided automatically', () => {
  let audited: Awaited<ReturnType<typeof auditDir>>;
  before(async () => { audited = await auditDir(path.join(ROOT, 'examples')); });

  it('gives each of the seed\'s 13 functions the seed\'s verdict', () => {
    const got = Object.fromEntries(Object.keys(SEED).map((fn) => [fn, audited.result.functions.find((f) => f.fn === fn)?.verdict ?? 'missing']));
    assert.deepEqual(got, SEED);
  });

  for (const row of expected) {
    it(`${row.function}(): ${row.verdict}${row.rule ? ` [${row.rule}]` : ''}`, () => {
      const { functions, findings } = audited.result;
      const fn = functions.find((f) => f.fn === row.function && f.file === row.file);
      if (row.rule === 'PC003' || row.rule === 'PC004') {
        const hits = findings.filter((f) => f.fn === row.function && f.rule === row.rule);
        assert.ok(hits.length > 0, `${row.function}: expected a ${row.rule} finding`);
        for (const word of row.reasonMustMention) assert.ok(hits.some((h) => h.message.includes(word)), `${row.rule} message should mention "${word}": ${hits[0].message}`);
        return;
      }
      assert.ok(fn, `${row.function} is not in the report`);
      assert.equal(fn.verdict, row.verdict, fn.reason);
      const rules = fn.tests.map((t) => t.rule);
      if (row.rule) assert.ok(rules.includes(row.rule as never), `expected ${row.rule}, tests: ${JSON.stringify(fn.tests)}`);
      else assert.ok(rules.every((r) => r === null), `expected no finding, tests: ${JSON.stringify(fn.tests)}`);
      for (const word of row.reasonMustMention) assert.ok(fn.reason.includes(word), `reason should mention "${word}": ${fn.reason}`);
    });
  }

  it('every ZONE_DEVICE test in examples/ is accounted for in the expectations', () => {
    const listed = new Set(expected.map((r) => r.function));
    const extra = audited.result.functions.filter((f) => !listed.has(f.fn)).map((f) => `${f.fn} (${f.verdict})`);
    assert.deepEqual(extra, []);
  });

  it('analyses every function (none lost to parse errors)', () => {
    assert.deepEqual(audited.result.notAnalyzed, []);
  });
});
