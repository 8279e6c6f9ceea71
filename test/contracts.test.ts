// The contract table as a user sees it: every field a built-in entry carries is accepted from .pagecheck.json
// (with errors naming the key when it is wrong), docs/contracts.md describes every effect and field, and its
// example is the one test/fixtures/user-contracts/ audits.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contractTable, ContractEntry, EFFECT_NAMES, EFFECTS, KERNEL_CONTRACTS } from '../engine/index';
import { ConfigError, parseConfig } from '../engine/files/config';
import { ROOT } from './helpers';

const F = '.pagecheck.json';
const parse = (contracts: unknown[]) => parseConfig(JSON.stringify({ contracts }), F);
const keys = (errors: ConfigError[]) => errors.map((e) => e.key);
const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'contracts.md'), 'utf8');

describe('contracts: user entries with the full power of the built-in table', () => {
  it('every built-in entry, written in .pagecheck.json, is accepted as it is', () => {
    const written = KERNEL_CONTRACTS.map(({ source: _source, ...rest }) => rest);
    const { config, errors } = parse(written);
    assert.deepEqual(errors, []);
    assert.deepEqual(config.contracts, written.map((e) => ({ ...e, source: F })));
  });

  it('each field is checked, naming its key', () => {
    const { errors, config } = parse([
      { name: 'a', effect: 'returns-mapped', underPtl: 'yes' },
      { name: 'b', effect: 'returns-ref', underPtl: true },
      { name: 'c', effect: 'returns-online', pfnArg: 1 },
      { name: 'd', effect: 'returns-ref', definitionOnly: true },
      { name: 'e', effect: 'zone-device-test', privateTwin: 'not a name' },
      { name: 'f', effect: 'ptl-unlock', ifArgMentions: '' },
      { name: '.g', effect: 'zone-device-test', fieldOf: [] },
      { name: 'h', effect: 'memmap-read', fieldOf: ['page'] },
      { name: 'struct i', effect: 'takes-ref' },
      { name: 'j', effect: 'page-type' },
      { name: 'k', effect: 'returns-ref', whenArgMentions: { arg: 40, text: 'X', effect: 'returns-ref', reason: 'r' } },
      { name: 'l', effect: 'takes-ref', reservedTest: true },
      { name: 'struct m', effect: 'page-type', reason: 'a page type' },
    ]);
    assert.deepEqual(keys(errors), [
      'contracts[0].underPtl', 'contracts[1].underPtl', 'contracts[2].pfnArg', 'contracts[3].definitionOnly',
      'contracts[4].privateTwin', 'contracts[5].ifArgMentions', 'contracts[6].fieldOf', 'contracts[7].fieldOf',
      'contracts[8].effect', 'contracts[9].name', 'contracts[10].whenArgMentions.arg', 'contracts[11].reservedTest',
    ]);
    assert.match(errors[0].message, /expected true or false, got "yes"/);
    assert.match(errors[1].message, /only means something with effect returns-mapped, not returns-ref/);
    assert.match(errors[3].message, /returns-ref says nothing about a definition/);
    assert.match(errors[7].message, /only for a "\.field" entry/);
    assert.match(errors[8].message, /names a type: its effect is page-type, pgmap-type/);
    assert.match(errors[11].message, /only means something with effect memmap-read, not takes-ref/);
    // Entries with an error are left out; the good one is kept.
    assert.deepEqual(config.contracts.map((c) => c.name), ['struct m']);
  });

  it('since / until select entries by the audited tree\'s version', () => {
    const extra: ContractEntry[] = [
      { name: 'old_api', effect: 'takes-ref', reason: 'r', until: '6.0' },
      { name: 'new_api', effect: 'takes-ref', reason: 'r', since: '6.1' },
    ];
    const at = (v?: string) => ['old_api', 'new_api'].filter((n) => contractTable(extra, v).lookup(n).length > 0);
    assert.deepEqual(at('5.4'), ['old_api']);
    assert.deepEqual(at('6.1'), ['new_api']);
    assert.deepEqual(at(undefined), ['old_api', 'new_api']);
  });

  it('docs/contracts.md describes every effect and every field', () => {
    for (const e of EFFECT_NAMES) assert.match(DOC, new RegExp(`\\| \`${e}\` \\|`), `effect ${e}`);
    const fields = new Set(EFFECT_NAMES.flatMap((e) => EFFECTS[e].fields ?? []));
    for (const f of [...fields, 'name', 'pattern', 'effect', 'reason', 'since', 'whenArgMentions', 'ifArgMentions', 'definitionOnly']) {
      assert.match(DOC, new RegExp(`\\| \`${f}\``), `field ${f}`);
    }
  });

  it('the example in docs/contracts.md is valid and audited by test/fixtures/user-contracts/', () => {
    const block = /```json\n(\{\n  "contracts"[\s\S]*?)```/.exec(DOC);
    assert.ok(block, 'the example block');
    const { config, errors } = parseConfig(block![1], F);
    assert.deepEqual(errors, []);
    const fixture = parseConfig(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'user-contracts', F), 'utf8'), F).config.contracts;
    for (const e of config.contracts) assert.ok(fixture.some((x) => JSON.stringify(x) === JSON.stringify(e)), `${e.name} is in the fixture's config`);
  });
});
