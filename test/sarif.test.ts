// `--format sarif`: SARIF 2.1.0 that Microsoft's SARIF Multitool validates with no errors and no warnings,
// rules for every code, relative URIs under SRCROOT, 1-based regions, suppressions, stable fingerprints.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, RULE_CODES, helpUri } from '../engine/analysis/rules/table';
import { relativeUri } from '../cli/formats/sarif';
import { FIX, REPO, ensureBuilt, pagecheck, scratchCopy, scratchDir } from './fixtures-cli/harness';

const MULTITOOL = path.join(REPO, 'node_modules', '.bin', 'sarif-multitool');

function sarif(args: string[], cwd = FIX): any {
  const r = pagecheck([...args, '--format', 'sarif'], cwd);
  assert.notEqual(r.status, 2, r.stderr);
  return JSON.parse(r.stdout);
}

describe('sarif', function () {
  this.timeout(180000);
  before(ensureBuilt);

  // Every shape of output: related locations across files, suppressions, skipped files, error levels (config
  // override), hints, a reasonless suppression (PC000, no function), and an empty result list.
  const CASES: Array<{ name: string; args: string[] }> = [
    { name: 'tree', args: ['tree'] },
    { name: 'override', args: ['tree', '--config', 'configs/good.json'] },
    { name: 'hint', args: ['tree/mm/helper.c'] },
    { name: 'clean', args: ['clean'] },
    { name: 'pc000', args: [] },
  ];

  for (const c of CASES) {
    it(`passes the SARIF Multitool with no errors and no warnings (${c.name})`, function () {
      validate(this, c.args);
    });
  }

  function validate(ctx: Mocha.Context, args: string[]): void {
    const s = scratchDir();
    try {
      if (!args.length) {
        fs.writeFileSync(path.join(s.dir, 'a.c'), '/* pagecheck: ignore PC001 */\nint f(pte_t pte) { return is_zone_device_page(pte_page(pte)); }\n');
        args = [path.join(s.dir, 'a.c')];
      }
      const input = path.join(s.dir, 'pagecheck.sarif');
      const log = path.join(s.dir, 'validation.sarif');
      const r = pagecheck([...args, '--format', 'sarif', '--output', input]);
      assert.notEqual(r.status, 2, r.stderr);
      if (!fs.existsSync(MULTITOOL)) ctx.skip(); // not installed: reported as pending, never as a pass
      const v = spawnSync(MULTITOOL, ['validate', input, '--output', log, '--log', 'ForceOverwrite'], { encoding: 'utf8', timeout: 120000 });
      if (v.error || !fs.existsSync(log)) {
        // The Multitool is a .NET single-file binary; it cannot run on every machine.
        console.log(`      skip: the SARIF Multitool cannot run here: ${v.error?.message ?? v.stderr ?? v.stdout}`);
        ctx.skip();
      }
      const out = JSON.parse(fs.readFileSync(log, 'utf8'));
      const run = out.runs[0];
      // A result without a level is a warning (SARIF §3.27.10); notes are advisory and may stay.
      const problems = (run.results ?? []).filter((x: any) => (x.level ?? 'warning') !== 'note' && (x.level ?? 'warning') !== 'none');
      const notes = [...(run.invocations ?? []).flatMap((i: any) => [...(i.toolExecutionNotifications ?? []), ...(i.toolConfigurationNotifications ?? [])])]
        .filter((n: any) => n.level === 'error' || n.level === 'warning');
      assert.deepEqual(problems.map((x: any) => `${x.ruleId}: ${JSON.stringify(x.message)}`), [], v.stdout);
      assert.deepEqual(notes, []);
      assert.ok(run.invocations?.[0]?.executionSuccessful !== false, v.stdout);
      assert.equal(v.status, 0, v.stdout);
      assert.doesNotMatch(v.stdout, /\b(error|warning) (SARIF|JSON)\d+/, v.stdout);
      const results = JSON.parse(fs.readFileSync(input, 'utf8')).runs[0].results;
      if (args[0] === 'clean') assert.equal(results.length, 0);
      else assert.ok(results.length > 0);
    } finally { s.cleanup(); }
  }

  it('one run; the driver lists every rule with its helpUri, descriptions and default level', () => {
    const log = sarif(['tree']);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0].tool.driver;
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.equal(driver.name, 'pagecheck');
    assert.equal(driver.version, pkg.version);
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(driver.rules.map((r: any) => r.id), RULE_CODES);
    for (const r of driver.rules) {
      assert.equal(r.helpUri, helpUri(r.id));
      assert.match(r.helpUri, /\/docs\/rules\/PC00\d\.md$/);
      assert.equal(r.shortDescription.text, `${RULES[r.id as keyof typeof RULES].title}.`);
      assert.ok(r.fullDescription.text.length > 0);
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
    }
    assert.equal(driver.rules[RULE_CODES.indexOf('PC001')].defaultConfiguration.level, 'warning');
    assert.equal(driver.rules[RULE_CODES.indexOf('PC005')].defaultConfiguration.level, 'note');
  });

  it('results: ruleId/ruleIndex, level, URIs relative to the repository top (%SRCROOT%), 1-based regions, related locations with ids', () => {
    const log = sarif(['tree']);
    const run = log.runs[0];
    // The fixtures sit inside pagecheck's own checkout: its top is the base, whatever directory pagecheck ran in.
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `${pathToFileURL(REPO).href}/`);
    assert.equal(run.results.length, 4);
    const [helper, unsafe, suppressed, kvm] = run.results;
    assert.equal(unsafe.ruleId, 'PC001');
    assert.equal(unsafe.ruleIndex, RULE_CODES.indexOf('PC001'));
    assert.equal(run.tool.driver.rules[unsafe.ruleIndex].id, unsafe.ruleId);
    assert.equal(unsafe.level, 'warning');
    assert.match(unsafe.message.text, /^walk_pte_unsafe\(\): unsafe: .*\.$/);
    const loc = unsafe.locations[0].physicalLocation;
    assert.deepEqual(loc.artifactLocation, { uri: 'test/fixtures-cli/tree/mm/memory.c', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(loc.region, { startLine: 9, startColumn: 6, endLine: 9, endColumn: 31 });
    assert.deepEqual(unsafe.locations[0].logicalLocations, [{ name: 'walk_pte_unsafe', kind: 'function' }]);
    assert.equal(unsafe.relatedLocations[0].id, 1);
    assert.deepEqual(unsafe.relatedLocations[0].physicalLocation.region, { startLine: 7, startColumn: 22, endLine: 7, endColumn: 35 });
    assert.match(unsafe.relatedLocations[0].message.text, /pte_page/);
    assert.deepEqual(helper.relatedLocations.map((r: any) => r.id), [1, 2]);
    assert.ok(helper.relatedLocations.some((r: any) => r.physicalLocation.artifactLocation.uri === 'test/fixtures-cli/tree/mm/caller.c'));
    assert.equal(kvm.ruleId, 'PC004');
    assert.equal(unsafe.suppressions, undefined);
    assert.deepEqual(suppressed.suppressions, [{ kind: 'inSource', justification: 'the caller holds the PTL and this is a test fixture' }]);
    for (const r of run.results) {
      assert.match(r.partialFingerprints['pagecheckFinding/v2'], /^[0-9a-f]{32}:\d+$/);
      const uris = [r.locations[0], ...(r.relatedLocations ?? [])].map((l: any) => l.physicalLocation.artifactLocation.uri);
      for (const u of uris) assert.ok(!u.startsWith('/') && !u.split('/').includes('..') && !/^[a-z]+:/.test(u), u);
    }
    // Skipped files are tool notifications, not results.
    assert.deepEqual(run.invocations[0].toolExecutionNotifications.map((n: any) => n.locations[0].physicalLocation.artifactLocation.uri), ['test/fixtures-cli/tree/drivers/x.c']);
  });

  it('information and hint findings are notes; a severity override changes the level', () => {
    const hint = sarif(['tree/mm/helper.c']).runs[0].results[0];
    assert.equal(hint.ruleId, 'PC005');
    assert.equal(hint.level, 'note');
    const err = sarif(['tree', '--config', 'configs/good.json']).runs[0].results[0];
    assert.equal(err.level, 'error');
  });

  it('fingerprints do not change when code moves', () => {
    const s = scratchCopy('tree');
    try {
      const before = sarif(['.'], s.dir).runs[0].results;
      const file = path.join(s.dir, 'mm', 'memory.c');
      fs.writeFileSync(file, `\n\n\n${fs.readFileSync(file, 'utf8')}`);
      const after = sarif(['.'], s.dir).runs[0].results;
      const fp = (rs: any[]) => rs.map((r) => r.partialFingerprints['pagecheckFinding/v2']).sort();
      assert.deepEqual(fp(after), fp(before));
      const lines = (rs: any[]) => rs.filter((r) => r.locations[0].physicalLocation.artifactLocation.uri === 'mm/memory.c').map((r) => r.locations[0].physicalLocation.region.startLine);
      assert.deepEqual(lines(after), lines(before).map((l) => l + 3));
      assert.equal(new Set(fp(after)).size, after.length, 'distinct');
    } finally { s.cleanup(); }
  });

  it('URIs are percent-encoded and can never leave the root', () => {
    assert.equal(relativeUri('drivers/my dir/a#1.c'), 'drivers/my%20dir/a%231.c');
    assert.throws(() => relativeUri('../etc/passwd'));
    assert.throws(() => relativeUri('/etc/passwd'));
    assert.throws(() => relativeUri('mm/../../x.c'));
  });
});
