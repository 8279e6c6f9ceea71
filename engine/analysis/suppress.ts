// Suppression comments: `/* pagecheck: ignore PC001 -- reason */` on the finding's line or the line above.
// The reason is mandatory: a comment without one suppresses nothing and is itself reported (PC000).
import { Loc, Suppression } from './model';

/**
 * The reason the suppression quick fix writes for the user to replace (a snippet's placeholder where the editor has
 * snippets). Invariant: it is never a reason — a comment whose reason is still this suppresses nothing (PC000).
 */
export const SUPPRESSION_PLACEHOLDER = 'TODO: why this is safe';

const COMMENT = /(\/\*|\/\/)\s*pagecheck:\s*ignore\b([^\n]*?)(\*\/|$)/gm;

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

function lineOf(text: string, index: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
