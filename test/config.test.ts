// .pagecheck.json validation: every problem names its key, valid parts are kept, nothing throws.
import { strict as assert } from 'node:assert';
import { readSettings } from '../server/core/settings';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, formatConfigError, loadConfig, parseConfig } from '../engine/files/config';
import { EFFECT_NAMES as EFFECTS } from '../engine/analysis/effects';
import { DEFAULT_MAX_FILE_BYTES } from '../engine/files/workspace';

const F = '.pagecheck.json';
const keys = (errors: ConfigError[]) => errors.map((e) => e.key);
const parse = (v: unknown) => parseConfig(JSON.stringify(v), F);

describe('config: .pagecheck.json', () => {
  it('accepts a complete, valid configuration', () => {
    const { config, errors } = parse({
      $schema: './pagecheck.schema.json',
      contracts: [
        { name: 'my_pin_page', effect: 'takes-ref', argument: 0, reason: 'my_pin_page() takes a page reference' },
        { pattern: 'my_get_[a-z]+', effect: 'returns-ref', reason: 'returns a referenced page', since: '5.10', until: '6.6' },
        { name: 'my_lookup', effect: 'returns-ref', arg: 1, whenArgMentions: { arg: 2, text: 'FOLL_GET', effect: 'returns-ref', reason: 'with FOLL_GET' } },
      ],
      ignore: ['drivers/staging/**', '*.mod.c'],
      severity: { PC005: 'off', PC002: 'warning', PC001: 'error' },
      maxFileSize: 1024,
    });
    assert.deepEqual(errors, []);
    assert.equal(config.contracts.length, 3);
    assert.deepEqual(config.contracts[0], { name: 'my_pin_page', effect: 'takes-ref', arg: 0, reason: 'my_pin_page() takes a page reference', source: F });
    assert.equal(config.contracts[1].pattern, 'my_get_[a-z]+');
    assert.equal(config.contracts[1].since, '5.10');
    assert.equal(config.contracts[2].arg, 1);
    assert.deepEqual(config.contracts[2].whenArgMentions, { arg: 2, text: 'FOLL_GET', effect: 'returns-ref', reason: 'with FOLL_GET' });
    assert.deepEqual(config.ignore, ['drivers/staging/**', '*.mod.c']);
    assert.deepEqual(config.severity, { PC005: 'off', PC002: 'warning', PC001: 'error' });
    assert.equal(config.maxFileSize, 1024);
  });

  it('an empty object is the default configuration', () => {
    const { config, errors } = parse({});
    assert.deepEqual(errors, []);
    assert.deepEqual(config, { contracts: [], ignore: [], severity: {}, maxFileSize: DEFAULT_MAX_FILE_BYTES });
    assert.deepEqual({ ...DEFAULT_CONFIG }, config);
  });

  it('a contract without a reason gets one that names the config file', () => {
    const { config, errors } = parse({ contracts: [{ name: 'my_pin', effect: 'takes-ref' }] });
    assert.deepEqual(errors, []);
    assert.match(config.contracts[0].reason, /my_pin\(\).*takes-ref.*\.pagecheck\.json/);
  });

  it('reports bad JSON with a 1-based line and column', () => {
    const { config, errors } = parseConfig('{\n  "ignore": ["a"],\n  "severity": {,}\n}', F);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].key, '');
    assert.match(errors[0].message, /^invalid JSON: /);
    assert.equal(errors[0].line, 3);
    assert.equal(errors[0].column, 16);
    assert.equal(formatConfigError(F, errors[0]), `${F}:3:16: ${errors[0].message}`);
    assert.deepEqual(config.contracts, []); // defaults, never a half-read object
  });

  it('reports truncated JSON at its end', () => {
    const { errors } = parseConfig('{\n  "ignore": [', F);
    assert.equal(errors[0].line, 2);
    assert.match(errors[0].message, /invalid JSON/);
  });

  it('rejects a top level that is not an object', () => {
    for (const text of ['[]', '42', 'null', '"x"']) {
      const { errors } = parseConfig(text, F);
      assert.equal(errors.length, 1, text);
      assert.match(errors[0].message, /expected a JSON object/);
    }
  });

  it('names an unknown top-level key', () => {
    const { errors } = parse({ ignores: ['x'], contracts: [] });
    assert.deepEqual(keys(errors), ['ignores']);
    assert.match(errors[0].message, /unknown key \(expected one of contracts, ignore, severity, maxFileSize, suppressions\)/);
  });

  it('names wrong top-level types', () => {
    const { errors, config } = parse({ contracts: {}, ignore: 'a/**', severity: ['PC001'], maxFileSize: -3 });
    assert.deepEqual(keys(errors), ['contracts', 'ignore', 'severity', 'maxFileSize']);
    assert.match(errors[0].message, /expected an array of contract entries, got an object/);
    assert.match(errors[1].message, /expected an array of glob strings, got a string/);
    assert.match(errors[2].message, /got an array/);
    assert.match(errors[3].message, /positive whole number.*-3/);
    assert.equal(config.maxFileSize, DEFAULT_MAX_FILE_BYTES);
  });

  it('maxFileSize over the 32 MB ceiling: the ceiling, with an error naming the key', () => {
    const { errors, config } = parse({ maxFileSize: 50 * 1048576 });
    assert.deepEqual(keys(errors), ['maxFileSize']);
    assert.match(errors[0].message, /over the .*32 MB.* ceiling/);
    assert.equal(config.maxFileSize, 32 * 1048576);
  });

  it('the editor setting pagecheck.maxFileSize: the same ceiling, said in the log', () => {
    const problems: string[] = [];
    assert.equal(readSettings({ maxFileSize: 50 * 1048576 }, problems).maxFileSize, 32 * 1048576);
    assert.match(problems.join('\n'), /pagecheck\.maxFileSize: .*over the 32 MB ceiling \(using the ceiling\)/);
    const fine: string[] = [];
    assert.equal(readSettings({ maxFileSize: 1048576 }, fine).maxFileSize, 1048576);
    assert.deepEqual(fine, []);
  });

  it('a contract with a missing name', () => {
    const { errors } = parse({ contracts: [{ name: 'ok', effect: 'takes-ref' }, { effect: 'takes-ref', reason: 'r' }] });
    assert.deepEqual(keys(errors), ['contracts[1].name']);
    assert.match(errors[0].message, /missing/);
  });

  it('an unknown effect lists the valid ones', () => {
    const { errors, config } = parse({ contracts: [{ name: 'a', effect: 'takes-ref' }, { name: 'b', effect: 'takes-reff' }, { name: 'c', effect: 'x' }] });
    assert.deepEqual(keys(errors), ['contracts[1].effect', 'contracts[2].effect']);
    assert.match(errors[1].message, /^unknown effect "x" \(expected one of /);
    for (const e of EFFECTS) assert.ok(errors[1].message.includes(e), e);
    assert.equal(formatConfigError(F, errors[1]), `${F}: contracts[2].effect: ${errors[1].message}`);
    // The valid entry is kept.
    assert.deepEqual(config.contracts.map((c) => c.name), ['a']);
  });

  it('a missing effect, a bad name, a bad argument, a bad reason, bad versions, unknown entry keys', () => {
    const { errors } = parse({ contracts: [
      { name: 'a' },
      { name: 'not an identifier', effect: 'takes-ref' },
      { name: 'b', effect: 'takes-ref', argument: -1 },
      { name: 'c', effect: 'takes-ref', arg: 1, argument: 2 },
      { name: 'd', effect: 'takes-ref', reason: 42 },
      { name: 'e', effect: 'takes-ref', since: 'v6' },
      { name: 'f', effect: 'takes-ref', effects: 'x' },
      { name: 'g', pattern: 'g.*', effect: 'takes-ref' },
      { name: 'h', effect: 'takes-ref', devprivSafe: 'yes' },
      'get_page',
    ] });
    assert.deepEqual(keys(errors), [
      'contracts[0].effect', 'contracts[1].name', 'contracts[2].argument', 'contracts[3].argument',
      'contracts[4].reason', 'contracts[5].since', 'contracts[6].effects', 'contracts[7].pattern',
      'contracts[8].devprivSafe', 'contracts[9]',
    ]);
  });

  it('a bad regex pattern', () => {
    const { errors } = parse({ contracts: [{ pattern: 'Page[A-Z', effect: 'memmap-read', reason: 'r' }] });
    assert.deepEqual(keys(errors), ['contracts[0].pattern']);
    assert.match(errors[0].message, /invalid regular expression/);
  });

  it('a bad whenArgMentions names its inner key', () => {
    const { errors } = parse({ contracts: [{ name: 'a', effect: 'returns-ref', whenArgMentions: { arg: 1, text: 'FOLL_GET', effect: 'nope', reason: 'r' } }] });
    assert.deepEqual(keys(errors), ['contracts[0].whenArgMentions.effect']);
  });

  it('a bad severity value, an unknown rule', () => {
    const { errors, config } = parse({ severity: { PC001: 'fatal', PC009: 'off', PC005: 'off', PC003: 3 } });
    assert.deepEqual(keys(errors), ['severity.PC001', 'severity.PC009', 'severity.PC003']);
    assert.match(errors[0].message, /unknown severity "fatal" \(expected one of error, warning, information, hint, off\)/);
    assert.match(errors[1].message, /unknown rule \(expected one of PC000, PC001, PC002, PC003, PC004, PC005\)/);
    assert.deepEqual(config.severity, { PC005: 'off' }); // the valid part is kept, PC001 keeps its default
  });

  it('bad globs', () => {
    const { errors, config } = parse({ ignore: ['ok/**', '', '/abs/**', '../up/**', 'a\\b', 7] });
    assert.deepEqual(keys(errors), ['ignore[1]', 'ignore[2]', 'ignore[3]', 'ignore[4]', 'ignore[5]']);
    assert.match(errors[1].message, /absolute/);
    assert.match(errors[2].message, /leaves the root/);
    assert.deepEqual(config.ignore, ['ok/**']);
  });

  it('loadConfig: reads a file, reports a missing one without throwing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-config-'));
    try {
      const file = path.join(dir, F);
      fs.writeFileSync(file, JSON.stringify({ severity: { PC005: 'off' } }));
      assert.deepEqual(loadConfig(file).config.severity, { PC005: 'off' });
      const missing = loadConfig(path.join(dir, 'nope.json'));
      assert.equal(missing.errors.length, 1);
      assert.match(missing.errors[0].message, /cannot read the configuration: no such file/);
      assert.match(loadConfig(dir).errors[0].message, /is a directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never throws, whatever the input', () => {
    const values: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], {}, [null], { a: 1 }, [[1]], { name: null }];
    const shapes = (v: unknown) => [
      v, { contracts: v }, { contracts: [v] }, { contracts: [{ name: v, effect: v, arg: v, reason: v, since: v, pattern: v, whenArgMentions: v }] },
      { ignore: v }, { ignore: [v] }, { severity: v }, { severity: { PC001: v } }, { maxFileSize: v },
    ];
    for (const v of values) {
      for (const s of shapes(v)) {
        const r = parseConfig(JSON.stringify(s) ?? 'undefined', F);
        assert.ok(Array.isArray(r.config.contracts) && Array.isArray(r.errors));
      }
    }
    for (let i = 0; i < 200; i++) {
      const text = Array.from({ length: 1 + (i % 40) }, (_, j) => '{}[]",:0aeflnrstu\\ \n'[(i * 31 + j * 7) % 21]).join('');
      assert.doesNotThrow(() => parseConfig(text, F));
    }
  });
});
