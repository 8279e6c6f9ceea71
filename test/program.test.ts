// Program.sync (the editor's keystroke path) must give exactly what building a new Program gives.
import { strict as assert } from 'node:assert';
import { CParser, contractTable, factsForText, Program, FileFacts } from '../engine/index';

const callee = `
int peek(struct page *page)
{
	return is_zone_device_page(page);
}
`;
const rawCaller = `
int store(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return -ENXIO;
	return peek(pfn_to_page(pfn));
}
`;
const onlineCaller = rawCaller.replace('pfn_to_page(pfn)', 'pfn_to_online_page(pfn)');

function verdicts(p: Program): string[] {
  return p.audit().functions.map((f) => `${f.fn}:${f.verdict}`).sort();
}

describe('Program.sync: incremental call graph', () => {
  let parser: CParser;
  const contracts = contractTable();
  let facts: (file: string, text: string) => FileFacts;
  before(async () => { parser = await CParser.create(); facts = (file, text) => factsForText(parser, file, text, contracts); });
  after(() => parser.delete());

  it('re-decides a callee when its caller changes, like a rebuild', () => {
    const a = facts('a.c', callee);
    const p = new Program([a, facts('b.c', rawCaller)]);
    assert.deepEqual(verdicts(p), ['peek:unsafe']);
    const b2 = facts('b.c', onlineCaller);
    assert.equal(p.sync([a, b2]), 1);
    assert.deepEqual(verdicts(p), verdicts(new Program([a, b2])));
    assert.deepEqual(verdicts(p), ['peek:safe']);
  });

  it('a removed caller leaves the callee with no callers (PC005), like a rebuild', () => {
    const a = facts('a.c', callee);
    const p = new Program([a, facts('b.c', onlineCaller)]);
    assert.equal(p.sync([a]), 1);
    assert.deepEqual(verdicts(p), ['peek:unknown']);
    assert.deepEqual(p.audit().findings.map((f) => f.rule), ['PC005']);
  });

  it('an unchanged set of facts changes nothing', () => {
    const a = facts('a.c', callee);
    const b = facts('b.c', rawCaller);
    const p = new Program([a, b]);
    assert.equal(p.sync([a, b]), 0);
  });
});
