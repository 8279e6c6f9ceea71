// `.pagecheck.json`: extra API contracts, ignore globs, per-rule severity, the file-size limit.
// Parsing never throws. Every problem comes back as a ConfigError naming its key, the valid parts are kept and
// defaults fill the rest, so a typo in one entry can never quietly turn the audit off.
import * as fs from 'node:fs';
import { ContractEntry } from '../analysis/contracts';
import { Effect, EFFECT_NAMES, EFFECTS } from '../analysis/effects';
import { TREE_FEATURES } from '../analysis/kernel-contracts-7';
import { RULES, RuleCode, Severity } from '../analysis/rules/table';
import { DEFAULT_MAX_FILE_BYTES, MAX_FILE_BYTES_CEILING, globToRegExp } from './workspace';
import { ConfigSuppression } from '../analysis/suppress';
import { parseSuppressions } from './suppressions';

export interface PagecheckConfig {
  contracts: ContractEntry[];
  ignore: string[];
  severity: Partial<Record<RuleCode, Severity | 'off'>>;
  /** Files larger than this many bytes are skipped (with a reason). */
  maxFileSize?: number;
  /** Findings accepted on purpose, outside the source (engine/files/suppressions.ts). */
  suppressions?: ConfigSuppression[];
}

export interface ConfigError {
  /** JSON path of the offending value: `contracts[2].effect`; `` for the file as a whole. */
  key: string;
  message: string;
  /** 1-based position, for JSON syntax errors. */
  line?: number;
  column?: number;
}

export interface ConfigResult {
  config: PagecheckConfig;
  errors: ConfigError[];
}

export const DEFAULT_CONFIG: Readonly<PagecheckConfig> = Object.freeze({
  contracts: [],
  ignore: [],
  severity: {},
  maxFileSize: DEFAULT_MAX_FILE_BYTES,
});

const TOP_KEYS = ['contracts', 'ignore', 'severity', 'maxFileSize', 'suppressions', '$schema'];
const SEVERITIES: ReadonlyArray<Severity | 'off'> = ['error', 'warning', 'information', 'hint', 'off'];
const VERSION_RE = /^\d+\.\d+$/;
const quote = (v: unknown) => JSON.stringify(v) ?? String(v);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function defaults(): PagecheckConfig {
  return { contracts: [], ignore: [], severity: {}, maxFileSize: DEFAULT_CONFIG.maxFileSize };
}

/** Validates the text of a `.pagecheck.json`; `file` is used for contract provenance (`source`). */
export function parseConfig(text: string, file: string): ConfigResult {
  const config = defaults();
  const errors: ConfigError[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { config, errors: [jsonError(text, (e as Error).message)] };
  }
  if (!isObject(raw)) {
    errors.push({ key: '', message: `expected a JSON object at the top level, got ${typeName(raw)}` });
    return { config, errors };
  }
  for (const k of Object.keys(raw)) {
    if (!TOP_KEYS.includes(k)) errors.push({ key: k, message: `unknown key (expected one of ${TOP_KEYS.filter((t) => t !== '$schema').join(', ')})` });
  }
  if ('contracts' in raw) config.contracts = contracts(raw.contracts, file, errors);
  if ('ignore' in raw) config.ignore = ignoreGlobs(raw.ignore, errors);
  if ('severity' in raw) config.severity = severities(raw.severity, errors);
  if ('suppressions' in raw) config.suppressions = parseSuppressions(raw.suppressions, errors, text);
  if ('maxFileSize' in raw) {
    const v = raw.maxFileSize;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_FILE_BYTES_CEILING) config.maxFileSize = v;
    else if (typeof v === 'number' && Number.isInteger(v) && v > MAX_FILE_BYTES_CEILING) {
      config.maxFileSize = MAX_FILE_BYTES_CEILING;
      errors.push({ key: 'maxFileSize', message: `${v} bytes is over the ${MAX_FILE_BYTES_CEILING} (32 MB) ceiling: using the ceiling` });
    } else errors.push({ key: 'maxFileSize', message: `expected a positive whole number of bytes, got ${quote(v)}` });
  }
  return { config, errors };
}

/** Reads and validates a config file; an unreadable file is one error with an empty key. */
export function loadConfig(file: string): ConfigResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    return { config: defaults(), errors: [{ key: '', message: `cannot read the configuration: ${why}` }] };
  }
  return parseConfig(text, file);
}

/** One line per error: `.pagecheck.json: contracts[2].effect: unknown effect "x" (…)`. */
export function formatConfigError(file: string, e: ConfigError): string {
  const where = e.line !== undefined ? `${file}:${e.line}:${e.column ?? 1}` : file;
  return e.key ? `${where}: ${e.key}: ${e.message}` : `${where}: ${e.message}`;
}

// JSON.parse reports a character offset ("at position 42"), or nothing; readers want a line and a column.
function jsonError(text: string, message: string): ConfigError {
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  const why = message
    .replace(/\s*in JSON at position \d+.*$/, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/^JSON\.parse: /, '');
  const err: ConfigError = { key: '', message: `invalid JSON: ${why}` };
  if (pos !== undefined) {
    const before = text.slice(0, pos);
    err.line = before.split('\n').length;
    err.column = pos - (before.lastIndexOf('\n') + 1) + 1;
  }
  return err;
}

/**
 * Every key a contract entry may have: each field of a built-in entry (ContractEntry; `argument` is the README's
 * spelling of `arg`; `source` is set from the file). Fields outside COMMON_KEYS mean something only with the
 * effects whose EFFECTS[…].fields list them.
 */
const CONTRACT_KEYS = ['name', 'pattern', 'effect', 'arg', 'argument', 'reason', 'since', 'until', 'feature', 'whenArgMentions', 'ifArgMentions',
  'definitionOnly', 'underPtl', 'pfnArg', 'devprivSafe', 'reservedTest', 'fieldOf', 'privateTwin', 'pfnTwin', 'pfnOf', 'argField', 'outField',
  'onlyWith', 'refIfFlags', 'onZero', 'out', 'devpriv', 'pointerType', 'headArg', 'entryHoldsPage'] as const;
const COMMON_KEYS: ReadonlySet<string> = new Set(['name', 'pattern', 'effect', 'arg', 'argument', 'reason', 'since', 'until', 'feature', 'whenArgMentions', 'ifArgMentions', 'definitionOnly', 'pointerType']);
const BOOLEAN_KEYS = ['definitionOnly', 'underPtl', 'pfnArg', 'devprivSafe', 'reservedTest', 'onZero', 'out', 'devpriv', 'pointerType', 'entryHoldsPage'] as const;
/** Fields that name a C function, macro or struct field. */
const IDENTIFIER_KEYS = ['privateTwin', 'pfnTwin', 'pfnOf', 'argField', 'outField'] as const;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `get_page`, `.map_page` (a struct field), `struct folio` (a type). */
const NAME = /^(?:\.|struct )?[A-Za-z_][A-Za-z0-9_]*$/;
const TYPE_EFFECTS: ReadonlySet<string> = new Set(['page-type', 'pgmap-type', 'list-type']);
const isEffect = (v: unknown): v is Effect => typeof v === 'string' && (EFFECT_NAMES as readonly string[]).includes(v);

function contracts(v: unknown, file: string, errors: ConfigError[]): ContractEntry[] {
  if (!Array.isArray(v)) {
    errors.push({ key: 'contracts', message: `expected an array of contract entries, got ${typeName(v)}` });
    return [];
  }
  const out: ContractEntry[] = [];
  v.forEach((item, i) => {
    const e = contract(item, `contracts[${i}]`, file, errors);
    if (e) out.push(e);
  });
  return out;
}

/** One entry, or undefined when it cannot be used as written (its errors are pushed; the others are kept). */
function contract(item: unknown, key: string, file: string, errors: ConfigError[]): ContractEntry | undefined {
  if (!isObject(item)) {
    errors.push({ key, message: `expected an object { name, effect, argument, reason }, got ${typeName(item)}` });
    return undefined;
  }
  const before = errors.length;
  const err = (k: string, message: string) => errors.push({ key: `${key}.${k}`, message });
  for (const k of Object.keys(item)) if (!(CONTRACT_KEYS as readonly string[]).includes(k)) err(k, `unknown key (expected one of ${CONTRACT_KEYS.join(', ')})`);

  const name = item.name;
  const pattern = item.pattern;
  if (name !== undefined && (typeof name !== 'string' || !NAME.test(name))) err('name', `expected a C identifier, ".field" or "struct tag", got ${quote(name)}`);
  if (pattern !== undefined) {
    if (typeof pattern !== 'string' || pattern === '') err('pattern', `expected a regular expression string, got ${quote(pattern)}`);
    else {
      try {
        new RegExp(`^(?:${pattern})$`);
        const hazard = regexHazard(pattern);
        if (hazard) err('pattern', `${hazard}: it could take exponential time on a long name (write it without nested repetition)`);
      } catch (e) { err('pattern', `invalid regular expression: ${(e as Error).message}`); }
    }
  }
  if (name === undefined && pattern === undefined) errors.push({ key: `${key}.name`, message: 'missing: every contract needs a "name" (or a "pattern")' });
  if (name !== undefined && pattern !== undefined) err('pattern', 'give either "name" or "pattern", not both');

  const effect = item.effect;
  if (effect === undefined) err('effect', `missing (expected one of ${EFFECT_NAMES.join(', ')})`);
  else if (!isEffect(effect)) err('effect', `unknown effect ${quote(effect)} (expected one of ${EFFECT_NAMES.join(', ')})`);
  else {
    // Types are named `struct tag`, and only types are.
    const isType = typeof name === 'string' && name.startsWith('struct ');
    if (TYPE_EFFECTS.has(effect) && !isType) err(name === undefined ? 'pattern' : 'name', `a ${effect} entry names a struct type ("struct folio"), got ${quote(name ?? pattern)}`);
    else if (isType && !TYPE_EFFECTS.has(effect)) err('effect', `${quote(name)} names a type: its effect is ${[...TYPE_EFFECTS].join(', ')}, got ${quote(effect)}`);
    // The other fields an effect gives meaning to (EFFECTS[…].fields); definitionOnly needs a definition state.
    for (const k of Object.keys(item)) {
      if (COMMON_KEYS.has(k) || !(CONTRACT_KEYS as readonly string[]).includes(k) || EFFECTS[effect].fields?.includes(k)) continue;
      const owners = EFFECT_NAMES.filter((x) => EFFECTS[x].fields?.includes(k));
      err(k, `only means something with effect ${owners.join(' or ')}, not ${effect}`);
    }
    const spec = EFFECTS[effect];
    if (item.definitionOnly === true && !spec.definition && !spec.devprivDefinition && !spec.treeFact) {
      err('definitionOnly', `${effect} says nothing about a definition (definition effects: ${EFFECT_NAMES.filter((x) => EFFECTS[x].definition || EFFECTS[x].devprivDefinition || EFFECTS[x].treeFact).join(', ')})`);
    }
  }

  // The README spells it `argument`; the engine's field is `arg`. Accept both, refuse a contradiction.
  let arg: number | undefined;
  for (const k of ['arg', 'argument'] as const) {
    const a = item[k];
    if (a === undefined) continue;
    if (!isArgIndex(a)) err(k, `expected a 0-based argument index (0..31), got ${quote(a)}`);
    else if (arg !== undefined && arg !== a) err(k, `contradicts the other argument index (${arg})`);
    else arg = a;
  }
  const reason = item.reason;
  if (reason !== undefined && !isLine(reason)) err('reason', `expected a one-line, non-empty string, got ${quote(reason)}`);
  for (const k of ['since', 'until'] as const) {
    const s = item[k];
    if (s !== undefined && (typeof s !== 'string' || !VERSION_RE.test(s))) err(k, `expected a kernel version "X.Y", got ${quote(s)}`);
  }
  for (const k of BOOLEAN_KEYS) {
    if (item[k] !== undefined && typeof item[k] !== 'boolean') err(k, `expected true or false, got ${quote(item[k])}`);
  }
  for (const k of IDENTIFIER_KEYS) {
    if (item[k] !== undefined && (typeof item[k] !== 'string' || !IDENT.test(item[k] as string))) err(k, `expected the name of a C function or macro, got ${quote(item[k])}`);
  }
  if (item.headArg !== undefined && !isArgIndex(item.headArg)) err('headArg', `expected a 0-based argument index (0..31), got ${quote(item.headArg)}`);
  if (item.refIfFlags !== undefined) {
    const r = item.refIfFlags;
    if (!isObject(r) || !isArgIndex(r.arg) || !Array.isArray(r.any) || r.any.length === 0 || !r.any.every((f) => typeof f === 'string' && IDENT.test(f)) || Object.keys(r).some((k) => k !== 'arg' && k !== 'any')) {
      err('refIfFlags', `expected { "arg": <argument index>, "any": ["FOLL_GET", …] }, got ${quote(r)}`);
    }
  }
  if (item.ifArgMentions !== undefined && !isLine(item.ifArgMentions)) err('ifArgMentions', `expected a one-line, non-empty string, got ${quote(item.ifArgMentions)}`);
  if (item.feature !== undefined) {
    const known = TREE_FEATURES.map((f) => f.name);
    const f = item.feature;
    if (typeof f !== 'string' || !known.includes(f.replace(/^!/, ''))) err('feature', `expected a tree feature (${known.join(', ')}, or !name for its absence), got ${quote(f)}`);
  }
  if (item.onlyWith !== undefined && (typeof item.onlyWith !== 'string' || !/^[A-Z0-9_]+$/.test(item.onlyWith))) err('onlyWith', `expected a Kconfig symbol without CONFIG_ (HIGHMEM), got ${quote(item.onlyWith)}`);
  if (item.fieldOf !== undefined) {
    const f = item.fieldOf;
    if (!Array.isArray(f) || f.length === 0 || !f.every((t) => typeof t === 'string' && IDENT.test(t))) err('fieldOf', `expected a non-empty array of struct tags such as ["page", "folio"], got ${quote(f)}`);
    else if (typeof name !== 'string' || !name.startsWith('.')) err('fieldOf', `only for a ".field" entry (the field read on those structs), not ${quote(name ?? pattern)}`);
  }
  const when = whenArgMentions(item.whenArgMentions, `${key}.whenArgMentions`, errors);
  if (errors.length > before) {
    // One error per key: the first one says the most (a field on the wrong effect, before its value's type).
    const seen = new Set<string>();
    const mine = errors.splice(before).filter((e) => !seen.has(e.key) && !!seen.add(e.key));
    errors.push(...mine);
    return undefined;
  }

  const label = String(name ?? pattern);
  const entry: ContractEntry = {
    effect: effect as Effect,
    reason: typeof reason === 'string' ? reason.trim() : `${IDENT.test(label) ? `${label}()` : label}: ${effect} (declared in ${file})`,
    source: file,
  };
  if (name !== undefined) entry.name = name as string;
  if (pattern !== undefined) entry.pattern = pattern as string;
  if (arg !== undefined) entry.arg = arg;
  if (item.since !== undefined) entry.since = item.since as string;
  if (item.until !== undefined) entry.until = item.until as string;
  if (item.feature !== undefined) entry.feature = item.feature as string;
  if (item.onlyWith !== undefined) entry.onlyWith = item.onlyWith as string;
  for (const k of BOOLEAN_KEYS) if (item[k] !== undefined) entry[k] = item[k] as boolean;
  for (const k of IDENTIFIER_KEYS) if (item[k] !== undefined) entry[k] = item[k] as string;
  if (item.ifArgMentions !== undefined) entry.ifArgMentions = item.ifArgMentions as string;
  if (item.fieldOf !== undefined) entry.fieldOf = [...(item.fieldOf as string[])];
  if (item.headArg !== undefined) entry.headArg = item.headArg as number;
  if (item.refIfFlags !== undefined) {
    const r = item.refIfFlags as { arg: number; any: string[] };
    entry.refIfFlags = { arg: r.arg, any: [...r.any] };
  }
  if (when) entry.whenArgMentions = when;
  return entry;
}

function isArgIndex(a: unknown): a is number {
  return typeof a === 'number' && Number.isInteger(a) && a >= 0 && a <= 31;
}

function isLine(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && !v.includes('\n');
}

function whenArgMentions(v: unknown, key: string, errors: ConfigError[]): ContractEntry['whenArgMentions'] {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    errors.push({ key, message: `expected an object { arg, text, effect, reason }, got ${typeName(v)}` });
    return undefined;
  }
  const before = errors.length;
  for (const k of Object.keys(v)) if (!['arg', 'text', 'effect', 'reason'].includes(k)) errors.push({ key: `${key}.${k}`, message: 'unknown key (expected one of arg, text, effect, reason)' });
  if (!isArgIndex(v.arg)) errors.push({ key: `${key}.arg`, message: `expected a 0-based argument index (0..31), got ${quote(v.arg)}` });
  if (typeof v.text !== 'string' || v.text === '') errors.push({ key: `${key}.text`, message: `expected a non-empty string, got ${quote(v.text)}` });
  if (!isEffect(v.effect)) errors.push({ key: `${key}.effect`, message: `unknown effect ${quote(v.effect)} (expected one of ${EFFECT_NAMES.join(', ')})` });
  if (!isLine(v.reason)) errors.push({ key: `${key}.reason`, message: `expected a one-line, non-empty string, got ${quote(v.reason)}` });
  if (errors.length > before) return undefined;
  return { arg: v.arg as number, text: v.text as string, effect: v.effect as Effect, reason: (v.reason as string).trim() };
}

function ignoreGlobs(v: unknown, errors: ConfigError[]): string[] {
  if (!Array.isArray(v)) {
    errors.push({ key: 'ignore', message: `expected an array of glob strings, got ${typeName(v)}` });
    return [];
  }
  const out: string[] = [];
  v.forEach((g, i) => {
    const why = globProblem(g);
    if (why) errors.push({ key: `ignore[${i}]`, message: why });
    else out.push((g as string).trim());
  });
  return out;
}

/** Globs are matched against root-relative `/` paths, so absolute, `..` or backslash globs can never match. */
function globProblem(g: unknown): string | undefined {
  if (typeof g !== 'string') return `expected a glob string, got ${quote(g)}`;
  const t = g.trim();
  if (t === '') return 'empty glob';
  if (t.startsWith('/') || /^[A-Za-z]:/.test(t)) return `${quote(g)} is absolute; globs are relative to the root (e.g. "drivers/staging/**")`;
  if (t.includes('\\')) return `${quote(g)} contains "\\"; use "/" separators`;
  if (t.split('/').includes('..')) return `${quote(g)} leaves the root ("..")`;
  try { globToRegExp(t); } catch (e) { return `invalid glob ${quote(g)}: ${(e as Error).message}`; }
  return undefined;
}

function severities(v: unknown, errors: ConfigError[]): PagecheckConfig['severity'] {
  const out: PagecheckConfig['severity'] = {};
  if (!isObject(v)) {
    errors.push({ key: 'severity', message: `expected an object such as { "PC005": "off" }, got ${typeName(v)}` });
    return out;
  }
  for (const [code, sev] of Object.entries(v)) {
    if (!(code in RULES)) {
      errors.push({ key: `severity.${code}`, message: `unknown rule (expected one of ${Object.keys(RULES).join(', ')})` });
    } else if (typeof sev !== 'string' || !(SEVERITIES as readonly string[]).includes(sev)) {
      errors.push({ key: `severity.${code}`, message: `unknown severity ${quote(sev)} (expected one of ${SEVERITIES.join(', ')})` });
    } else {
      out[code as RuleCode] = sev as Severity | 'off';
    }
  }
  return out;
}

/**
 * Why a contract pattern could backtrack catastrophically, or undefined. Patterns come from the workspace and are
 * matched against every called name, so `(a+)+b` in a `.pagecheck.json` must not be able to hang the audit:
 * repeated groups may not contain a repetition or an alternation, and at most three unbounded repetitions.
 */
function regexHazard(pattern: string): string | undefined {
  const groups: Array<{ quant: boolean; alt: boolean }> = [{ quant: false, alt: false }];
  let unbounded = 0;
  const quantifierAt = (i: number): { repeats: boolean; unbounded: boolean; len: number } | undefined => {
    const c = pattern[i];
    if (c === '*' || c === '+') return { repeats: true, unbounded: true, len: pattern[i + 1] === '?' ? 2 : 1 };
    if (c === '?') return { repeats: false, unbounded: false, len: pattern[i + 1] === '?' ? 2 : 1 };
    const m = c === '{' ? /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(i)) : null;
    if (!m) return undefined;
    const hi = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    return { repeats: hi > 1, unbounded: hi === Infinity, len: m[0].length };
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    let atomEnd = i;
    let closed: { quant: boolean; alt: boolean } | undefined;
    if (c === '\\') atomEnd = i + 1;
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      atomEnd = j;
    } else if (c === '(') {
      groups.push({ quant: false, alt: false });
      if (pattern[i + 1] === '?') i += pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!' ? pattern.indexOf('>', i) - i : 2;
      continue;
    } else if (c === '|') {
      groups[groups.length - 1].alt = true;
      continue;
    } else if (c === ')') {
      closed = groups.length > 1 ? groups.pop() : undefined;
    }
    const q = quantifierAt(atomEnd + 1);
    const top = groups[groups.length - 1];
    if (closed) top.quant ||= closed.quant;
    if (!q) { i = atomEnd; continue; }
    if (q.unbounded && ++unbounded > 3) return 'more than three unbounded repetitions';
    if (closed && q.repeats && closed.quant) return 'a repeated group contains a repetition';
    if (closed && q.repeats && closed.alt) return 'a repeated group contains an alternation';
    if (q.repeats) top.quant = true;
    i = atomEnd + q.len;
  }
  return undefined;
}
