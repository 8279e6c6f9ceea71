// --kconfig: a kernel configuration decides the #if branches and the IS_ENABLED(CONFIG_…) tests
// (engine/syntax/cpp-expr.ts, prepare.ts, engine/files/kconfig-macros.ts); without one nothing changes.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { evalCondition, MacroLookup } from '../engine/syntax/cpp-expr';
import { prepareSource } from '../engine/syntax/prepare';
import { parseKconfig } from '../engine/files/kconfig';
import { macroLookup } from '../engine/files/kconfig-macros';
import { ensureBuilt, json, REPO } from './fixtures-cli/harness';

const cfg = parseKconfig('CONFIG_A=y\nCONFIG_M=m\n# CONFIG_N is not set\nCONFIG_NUM=6\nCONFIG_STR="x86"\n', 'config');
const lookup: MacroLookup = macroLookup(cfg);

describe('--kconfig: #if expressions', () => {
  it('defined(), the config test macros, numbers, and what the configuration cannot say', () => {
    const v = (e: string) => evalCondition(e, lookup);
    assert.equal(v('defined(CONFIG_A)'), 1);
    assert.equal(v('defined CONFIG_N'), 0);
    assert.equal(v('defined(CONFIG_ABSENT)'), 0, 'absent from the configuration: not set');
    assert.equal(v('IS_ENABLED(CONFIG_M)'), 1);
    assert.equal(v('IS_BUILTIN(CONFIG_M)'), 0);
    assert.equal(v('IS_MODULE(CONFIG_M)'), 1);
    assert.equal(v('IS_REACHABLE(CONFIG_M)'), undefined, 'a module is reachable from modules only');
    assert.equal(v('CONFIG_NUM > 2 && !defined(CONFIG_N)'), 1);
    assert.equal(v('defined(__KERNEL__)'), undefined, 'not a CONFIG_ macro: undecided');
    assert.equal(v('defined(__KERNEL__) && defined(CONFIG_N)'), 0, 'a decided false side decides &&');
    assert.equal(v('defined(__KERNEL__) || defined(CONFIG_A)'), 1, 'a decided true side decides ||');
    assert.equal(v('0'), 0);
    assert.equal(v('SOME_MACRO(1) + 2'), undefined);
  });

  it('prepareSource keeps the branch the configuration compiles, and writes its IS_ENABLED() tests as 0 or 1', () => {
    const text = [
      '#ifdef CONFIG_N', 'int long_disabled_branch_with_a_long_name(void);', '#else', 'int on(void);', '#endif',
      '#if defined(__KERNEL__)', 'int unknown_long_branch(void);', '#else', 'int x;', '#endif',
      'int f(void) { return IS_ENABLED(CONFIG_N) && IS_ENABLED(CONFIG_A); }',
    ].join('\n');
    const out = prepareSource(text, undefined, lookup);
    assert.equal(out.length, text.length);
    assert.ok(!out.includes('long_disabled_branch') && out.includes('int on(void);'));
    assert.ok(out.includes('unknown_long_branch'), 'undecided: the longest branch, as without a configuration');
    assert.match(out, /return 0\s+&& 1\s+;/);
    const plain = prepareSource(text);
    assert.ok(plain.includes('long_disabled_branch') && plain.includes('IS_ENABLED(CONFIG_N)'), 'without one nothing changes');
  });
});

describe('--kconfig: the CLI on a small tree (test/fixtures-kconfig/ifdef)', function () {
  this.timeout(120000);
  const dir = path.join(REPO, 'test', 'fixtures-kconfig', 'ifdef');
  before(() => ensureBuilt());
  const rules = (doc: { findings: Array<{ rule: string; function: string }> }) => doc.findings.map((f) => `${f.rule} ${f.function}`).sort();

  it('without --kconfig: the longest branch of each group, every IS_ENABLED() test live', () => {
    const { run, doc } = json(['mm'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(rules(doc), ['PC001 pfn_is_device', 'PC001 pfn_is_private', 'PC003 pfn_dirty_big']);
  });

  it('hotplug.config: DEVICE_PRIVATE off (its #else compiled), ZONE_DEVICE on, the #if on a number holds', () => {
    const { run, doc } = json(['--kconfig', 'hotplug.config', 'mm'], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(rules(doc), ['PC001 pfn_is_device', 'PC003 pfn_dirty_big']);
  });

  it('nohotplug.config: its bad line is an error naming it, the rest is used, and the run exits 2', () => {
    const { run, doc } = json(['--kconfig', 'nohotplug.config', 'mm'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /nohotplug\.config:7: not a "CONFIG_NAME=value" line/);
    // DEVICE_PRIVATE on; IS_ENABLED(CONFIG_ZONE_DEVICE) is 0, so that test is dead; no hotplug: the stub branch.
    assert.deepEqual(rules(doc), ['PC001 pfn_is_private']);
  });

  it('a missing --kconfig file stops the run with one line', () => {
    const { run } = json(['--kconfig', 'no-such.config', 'mm'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no-such\.config.*no such file/);
  });
});
