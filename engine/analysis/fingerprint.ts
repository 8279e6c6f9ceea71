// Line-free fingerprints of findings, as Smatch's new_bugs.pl keeps its warnings: what a finding is, not where it
// is, so a baseline, a review's "new"/"fixed" and SARIF partialFingerprints survive edits that only move code.
//
// Invariant: nothing positional goes in — no line, no column, no digit of the message or of the chain (a chain step
// names `mm/huge_memory.c:1149`; the number goes, the file stays). In: the rule, the file, the function, the message
// with its numbers stripped, and the API names the chain goes through (`pmd_page()`, `copy_huge_pmd()`). Moving a
// function, adding lines above it or editing another function leaves every fingerprint of it unchanged.
import { createHash } from 'node:crypto';

export interface Fingerprintable {
  rule: string;
  file: string;
  function: string;
  message: string;
  related: ReadonlyArray<{ message: string }>;
}

/** The message with every number gone (line references, counts, sizes). */
export function lineFree(message: string): string {
  return message.replace(/:\d+(?::\d+)?\b/g, '').replace(/\d+/g, '#');
}

/** The function names the chain mentions, in order (`name()` as the reasons write them). */
export function chainApis(related: Fingerprintable['related']): string[] {
  const out: string[] = [];
  for (const r of related) for (const m of r.message.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\(/g)) out.push(m[1]);
  return out;
}

/** The fingerprint of one finding, without its occurrence number: 32 hex digits. */
export function fingerprintBase(f: Fingerprintable): string {
  const text = [f.rule, f.file, f.function, lineFree(f.message), chainApis(f.related).join(',')].join('\0');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Fingerprints of a list of findings in their output order: `base:n`, where n counts identical findings of the same
 * function (two equal tests in one function stay distinct). The same strings go into SARIF `partialFingerprints`,
 * baselines and reviews.
 */
export function fingerprints(findings: readonly Fingerprintable[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const base = fingerprintBase(f);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}:${n}`;
  });
}
