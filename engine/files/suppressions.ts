// `.pagecheck.json` `suppressions`: findings accepted on purpose, kept outside the source (a comment cannot always
// go upstream). Each entry names a file glob, a rule and a reason, and optionally the function:
//
//   "suppressions": [
//     { "file": "mm/hmm.c", "function": "hmm_vma_handle_pte", "rule": "PC002", "reason": "the notifier sequence …" }
//   ]
//
// Validation never throws: a bad entry is a ConfigError naming its key and is left out; the others still apply.
import { RULES } from '../analysis/rules/table';
import { ConfigSuppression, SUPPRESSION_REASON_PLACEHOLDER, effectiveReason } from '../analysis/suppress';
import { globToRegExp } from './workspace';
import type { ConfigError } from './config';

const KEYS = ['file', 'function', 'rule', 'reason'];
const quote = (v: unknown) => JSON.stringify(v) ?? String(v);

/** Validates the `suppressions` value of a configuration; `text` (the file's text) gives each entry its line. */
export function parseSuppressions(v: unknown, errors: ConfigError[], text = ''): ConfigSuppression[] {
  if (!Array.isArray(v)) {
    errors.push({ key: 'suppressions', message: `expected an array of { file, function, rule, reason } entries, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}` });
    return [];
  }
  const lines = entryLines(text);
  const out: ConfigSuppression[] = [];
  v.forEach((item, index) => {
    const key = `suppressions[${index}]`;
    const line = lines[index];
    const err = (k: string, message: string) => errors.push({ key: k ? `${key}.${k}` : key, message, ...(line ? { line, column: 1 } : {}) });
    if (typeof item !== 'object' || item === null || Array.isArray(item)) { err('', `expected an object { file, function, rule, reason }, got ${quote(item)}`); return; }
    const e = item as Record<string, unknown>;
    const before = errors.length;
    for (const k of Object.keys(e)) if (!KEYS.includes(k)) err(k, `unknown key (expected one of ${KEYS.join(', ')})`);
    let fileRe: ConfigSuppression['fileRe'] | undefined;
    if (typeof e.file !== 'string' || e.file.trim() === '') err('file', `missing: a glob relative to the root, such as "mm/hmm.c" or "drivers/gpu/**" (got ${quote(e.file)})`);
    else if (e.file.startsWith('/') || e.file.split('/').includes('..') || e.file.includes('\\')) err('file', `${quote(e.file)} is not a glob relative to the root (use "/" separators, no "..")`);
    else {
      try { fileRe = globToRegExp(e.file); } catch (x) { err('file', `invalid glob ${quote(e.file)}: ${(x as Error).message}`); }
    }
    if (e.function !== undefined && (typeof e.function !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.function))) err('function', `expected a C function name, got ${quote(e.function)}`);
    const rules = Object.keys(RULES).filter((r) => r !== 'PC000');
    if (typeof e.rule !== 'string' || !(e.rule === '*' || rules.includes(e.rule))) err('rule', `expected one of ${rules.join(', ')} or "*", got ${quote(e.rule)}`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') err('reason', 'missing: every suppression needs the reason it is safe');
    else if (!effectiveReason(e.reason)) err('reason', `still the placeholder ${quote(e.reason.trim())}: write why this is safe (it suppresses nothing until then)`);
    if (errors.length > before || !fileRe) return;
    out.push({ index, file: (e.file as string).trim(), fileRe, function: e.function as string | undefined, rule: e.rule as string, reason: (e.reason as string).trim(), ...(line ? { line } : {}) });
  });
  return out;
}

/** The placeholder, re-exported for the quick fix's documentation. */
export { SUPPRESSION_REASON_PLACEHOLDER };

/**
 * 1-based line of each object in the top-level `"suppressions": [ … ]` array of a JSON text (a string-aware scan;
 * JSON.parse gives no positions). Empty when the text cannot be scanned.
 */
export function entryLines(text: string): number[] {
  const out: number[] = [];
  const m = /"suppressions"\s*:\s*\[/.exec(text);
  if (!m) return out;
  let depth = 0;
  let line = text.slice(0, m.index).split('\n').length;
  for (let i = m.index + m[0].length; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') { for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++; }
    else if (c === '{' || c === '[') { if (depth === 0 && c === '{') out.push(line); depth++; }
    else if (c === '}' || c === ']') { if (depth === 0) break; depth--; }
  }
  return out;
}
