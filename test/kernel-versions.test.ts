// Contract sets by what the tree is: its version, what the tree itself shows where a release is uncertain
// (include/linux/leafops.h: the softleaf API), and the note for a tree newer than the contract table.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ensureBuilt, json, pagecheck, REPO } from './fixtures-cli/harness';
import { ContractTable, inForce } from '../engine/analysis/contracts';
import { KERNEL_CONTRACTS } from '../engine/analysis/kernel-contracts';
import { CONTRACTS_CHECKED_THROUGH } from '../engine/analysis/kernel-contracts-7';
import { contractsOlderThan, treeFeatures } from '../engine/files/tree-features';

const FIX = path.join(REPO, 'test', 'fixtures-versions');

describe('contract sets: version and tree features', function () {
  this.timeout(120000);
  before(() => ensureBuilt());

  it('a feature the tree answers decides over the version; an unanswered one leaves it to the version', () => {
    const e = { name: 'x', effect: 'returns-ptl' as const, reason: 'r', since: '6.19', feature: 'softleaf' };
    assert.equal(inForce(e, '6.16', new Map([['softleaf', true]])), true, 'the tree has leafops.h: in force before 6.19');
    assert.equal(inForce(e, '7.0', new Map([['softleaf', false]])), false, 'no leafops.h: not in force after 6.19');
    assert.equal(inForce(e, '7.0', new Map()), true, 'the tree cannot say: the version decides');
    assert.equal(inForce(e, '6.18', undefined), false);
    // A negated feature only narrows: present, the entry is off; absent, the version still decides (a trimmed tree
    // such as the bundled 5.4 examples lacks the text too); no version, the tree must answer.
    assert.equal(inForce({ ...e, feature: '!devmap' }, '6.12', new Map([['devmap', true]])), false, 'a negated feature, present');
    assert.equal(inForce({ ...e, feature: '!devmap' }, '7.0', new Map([['devmap', false]])), true, 'absent, and the version allows it');
    assert.equal(inForce({ ...e, feature: '!devmap' }, '5.4', new Map([['devmap', false]])), false, 'absent, but the version predates the entry');
    assert.equal(inForce({ ...e, feature: '!devmap' }, undefined, new Map()), false, 'no version, no answer: the absence is not assumed');
    assert.equal(inForce({ ...e, feature: '!devmap' }, undefined, new Map([['devmap', false]])), true, 'no version, the tree answers');
  });

  it('the features of the fixture trees (leafops.h present or absent under include/linux)', () => {
    assert.deepEqual(Object.fromEntries(treeFeatures(path.join(FIX, 'softleaf-early'))), { softleaf: true });
    assert.deepEqual(Object.fromEntries(treeFeatures(path.join(FIX, 'softleaf-late'))), { softleaf: false, devmap: false });
    assert.deepEqual(Object.fromEntries(treeFeatures(path.join(FIX, 'newer'))), {}, 'no include/linux: the tree says nothing');
  });

  it('version keys of the renames: dax_lock_folio() from 6.7, follow_page() until 6.11, folio_walk_start() from 6.12', () => {
    const has = (v: string, name: string) => new ContractTable(KERNEL_CONTRACTS, v).lookup(name).length > 0;
    assert.deepEqual([has('6.6', 'dax_lock_folio'), has('6.7', 'dax_lock_folio'), has('6.6', 'dax_lock_page'), has('6.7', 'dax_lock_page')], [false, true, true, false]);
    assert.deepEqual([has('6.11', 'follow_page'), has('6.12', 'follow_page'), has('6.11', 'folio_walk_start'), has('6.12', 'folio_walk_start')], [true, false, false, true]);
  });

  it('the CLI: softleaf_to_page() is a decode where the tree has leafops.h (6.16), unknown where it has not (7.0)', () => {
    const early = json(['--format', 'json', '.'], path.join(FIX, 'softleaf-early'));
    assert.deepEqual(early.doc.findings.map((f: { rule: string; message: string }) => f.rule), ['PC001']);
    assert.match(early.doc.findings[0].message, /softleaf_to_page\(\)/);
    const late = json(['--format', 'json', '.'], path.join(FIX, 'softleaf-late'));
    assert.deepEqual(late.doc.findings, []);
    assert.equal(late.doc.functions[0].verdict, 'unknown');
  });

  it(`a tree newer than ${CONTRACTS_CHECKED_THROUGH}: one note on stderr, a JSON field, and an API pagecheck cannot follow is unknown, not safe`, () => {
    assert.equal(contractsOlderThan('7.9'), CONTRACTS_CHECKED_THROUGH);
    assert.equal(contractsOlderThan(CONTRACTS_CHECKED_THROUGH), undefined);
    const r = pagecheck(['.'], path.join(FIX, 'newer'));
    const notes = r.stderr.split('\n').filter((l) => /newer than/.test(l));
    assert.equal(notes.length, 1, r.stderr);
    assert.match(notes[0], /Linux 7\.9 is newer than 7\.3/);
    const { doc } = json(['--format', 'json', '.'], path.join(FIX, 'newer'));
    assert.equal(doc.contractsCheckedThrough, CONTRACTS_CHECKED_THROUGH);
    assert.equal(doc.functions[0].verdict, 'unknown');
    const old = json(['--format', 'json', '.'], path.join(FIX, 'softleaf-early'));
    assert.equal(old.doc.contractsCheckedThrough, undefined, 'no field for a tree the table covers');
  });
});
