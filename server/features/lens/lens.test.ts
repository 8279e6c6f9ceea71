// Verdict lenses on the bundled examples (the seed's tree): every ZONE_DEVICE test gets one, a safe test names the
// pin that decides it and points at it, the others name their origin. In process.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Headless } from '../../core/headless';
import { ROOT } from '../../../test/server/fixtures';
import { VerdictLens, verdictLenses } from './lens';

describe('features: verdict lenses', () => {
  let h: Headless;
  const lenses = (file: string): VerdictLens[] => verdictLenses(h.snapshot(h.uri(file))!);
  const where = (l: VerdictLens) => (l.target ? `${path.relative(h.root, new URL(l.target.uri).pathname)}:${l.target.range.start.line + 1}` : null);
  before(async () => {
    h = await Headless.start(path.join(ROOT, 'examples'));
    for (const f of ['mm/memory-failure.c', 'mm/memremap.c', 'drivers/nvme/host/pci.c']) h.open(f);
    await h.settled();
  });
  after(() => h?.dispose());

  it('safe: the pin that decides it, and a click goes to the pin', () => {
    const [addToKill] = lenses('mm/memory-failure.c');
    assert.equal(addToKill.range.start.line + 1, 55);
    assert.equal(addToKill.verdict, 'safe');
    assert.equal(addToKill.title, 'safe: get_dev_pagemap() in memory_failure() (+3 more)');
    assert.equal(where(addToKill), 'mm/memory-failure.c:262');
    const [sg] = lenses('drivers/nvme/host/pci.c');
    assert.equal(sg.title, 'safe: sg_page() in nvme_map_data()');
  });

  it('unsafe: the rule and the origin, in the function that made the page', () => {
    const unsafe = lenses('mm/memory-failure.c')[1];
    assert.equal(unsafe.title, 'unsafe (PC001): page from pfn_to_page(pfn) in soft_offline_page_store()');
    assert.equal(unsafe.rule, 'PC001');
    assert.equal(where(unsafe), 'drivers/base/memory.c:37');
  });

  it('every ZONE_DEVICE test of the file, in line order; unknown without callers says so and goes nowhere', () => {
    const all = lenses('mm/memremap.c');
    const tests = h.snapshot(h.uri('mm/memremap.c'))!.doc.facts!.functions.flatMap((f) => f.sinks.filter((s) => s.kind === 'zd-test'));
    assert.equal(all.length, tests.length);
    assert.deepEqual(all.map((l) => l.range.start.line), [...all.map((l) => l.range.start.line)].sort((a, b) => a - b));
    const unknown = all.find((l) => l.rule === 'PC005')!;
    assert.equal(unknown.title, 'unknown (PC005): no caller of pgmap_page_offset() in the indexed tree');
    assert.equal(unknown.target, undefined);
  });
});
