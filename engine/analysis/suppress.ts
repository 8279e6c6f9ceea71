// Suppressions. In the source: `/* pagecheck: ignore PC001 -- reason */` on the finding's line or the line above.
// Outside it: `.pagecheck.json` `suppressions` entries (file glob, function, rule, reason), parsed and validated by
// engine/files/suppressions.ts into ConfigSuppression. Either way the reason is mandatory: a comment without one —
// or with the placeholder the editor's quick fix inserts — suppresses nothing and is itself reported (PC000).
import { Loc, Suppression } from './model';

const COMMENT = /(\/\*|\/\/)\s*pagecheck:\s*ignore\b([^\n]*?)(\*\/|$)/gm;

/**
 * The reason the editor's quick fix writes for the user to replace (a snippet tab stop). Invariant: a suppression
 * whose reason is still this text suppresses nothing (PC000 until a real reason is written).
 */
export const SUPPRESSION_REASON_PLACEHOLDER = 'TODO: why this is safe';

/** The reason a suppression counts with: '' when it has none, or only the placeholder (or a bare TODO). */
export function effectiveReason(reason: string): string {
  const r = reason.trim();
  if (r.toLowerCase() === SUPPRESSION_REASON_PLACEHOLDER.toLowerCase() || /^(todo|fixme|xxx)\b[\s:.!-]*$/i.test(r)) return '';
  return r;
}

export function findSuppressions(file: string, text: string): Suppression[] {
  if (!text.includes('pagecheck:')) return [];
  const out: Suppression[] = [];
  for (const m of text.matchAll(COMMENT)) {
    const body = m[2];
    const dash = body.indexOf('--');
    const codesPart = dash >= 0 ? body.slice(0, dash) : body;
    const reason = dash >= 0 ? body.slice(dash + 2).trim() : '';
    const codes = [...codesPart.matchAll(/PC\d{3}/g)].map((c) => c[0]);
    const start = m.index!;
    const line = lineOf(text, start);
    const col = start - text.lastIndexOf('\n', start - 1) - 1;
    const loc: Loc = { file, line, col, endLine: line, endCol: col + m[0].length };
    out.push({ line, codes: codes.length ? codes : ['*'], reason, loc });
  }
  return out;
}

/** The suppression that covers a finding of `rule` starting on `line`, if any (valid or not). */
export function suppressionFor(list: Suppression[], rule: string, line: number): Suppression | undefined {
  return list.find((s) => (s.line === line || s.line === line - 1) && (s.codes.includes(rule) || s.codes.includes('*')));
}

/** The PC000 message for a comment that suppresses nothing. */
export function reasonlessMessage(s: Suppression): string {
  const codes = s.codes[0] === '*' ? 'PC001' : s.codes.join(' ');
  const what = s.reason.trim() ? `suppression whose reason is still the placeholder "${s.reason.trim()}"` : 'suppression without a reason';
  return `${what}: write \`/* pagecheck: ignore ${codes} -- why this is safe */\`; nothing is suppressed`;
}

/**
 * A `.pagecheck.json` suppression, validated (engine/files/suppressions.ts): findings of `rule` (or of every rule,
 * `*`) in files matching the glob, in `function` when given. `index` is its position in the array (for messages).
 */
export interface ConfigSuppression {
  index: number;
  file: string;
  /** The glob compiled against root-relative `/` paths. */
  fileRe: { test(rel: string): boolean };
  function?: string;
  rule: string;
  reason: string;
  /** Where the entry is in the configuration file (1-based line), when known. */
  line?: number;
}

/** The first configuration suppression covering a finding of `rule` in `fn` of `file`. */
export function configSuppressionFor(list: readonly ConfigSuppression[], rule: string, file: string, fn: string): ConfigSuppression | undefined {
  return list.find((s) => (s.rule === '*' || s.rule === rule) && (s.function === undefined || s.function === fn) && s.fileRe.test(file));
}

function lineOf(text: string, index: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
