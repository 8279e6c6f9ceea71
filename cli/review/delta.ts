// What each patch changes: findings new after it, findings gone after it (fixed), and verdict changes of
// functions with a ZONE_DEVICE test, compared by line-free fingerprint (engine/analysis/fingerprint.ts), so a
// patch that only moves code changes nothing.
import { Verdict } from '../../engine';
import { JsonDocument, JsonFinding, JsonFunction } from '../formats/json';

export interface VerdictChange {
  file: string;
  line: number;
  function: string;
  before: Verdict | null;
  after: Verdict | null;
  beforeReason: string;
  afterReason: string;
}

export interface PatchDelta {
  newFindings: JsonFinding[];
  fixed: JsonFinding[];
  /** Every verdict change of a function with a ZONE_DEVICE test (those behind a new or fixed finding included). */
  verdicts: VerdictChange[];
}

const base = (f: JsonFinding) => (f.fingerprint ?? '').split(':')[0];

/** Findings of `after` whose fingerprint `before` holds fewer times (in `after`'s order). */
function added(before: readonly JsonFinding[], after: readonly JsonFinding[]): JsonFinding[] {
  const have = new Map<string, number>();
  for (const f of before) if (!f.suppressed) have.set(base(f), (have.get(base(f)) ?? 0) + 1);
  const out: JsonFinding[] = [];
  for (const f of after) {
    if (f.suppressed) continue;
    const n = have.get(base(f)) ?? 0;
    if (n > 0) have.set(base(f), n - 1);
    else out.push(f);
  }
  return out;
}

export function delta(before: JsonDocument, after: JsonDocument): PatchDelta {
  return { newFindings: added(before.findings, after.findings), fixed: added(after.findings, before.findings), verdicts: verdictChanges(before.functions, after.functions) };
}

/** Functions keyed by file and name (the n-th of that name in the file): their verdict before and after. */
function verdictChanges(before: readonly JsonFunction[], after: readonly JsonFunction[]): VerdictChange[] {
  const keyed = (fns: readonly JsonFunction[]) => {
    const seen = new Map<string, number>();
    const out = new Map<string, JsonFunction>();
    for (const f of fns) {
      const k = `${f.file}\0${f.function}`;
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      out.set(`${k}\0${n}`, f);
    }
    return out;
  };
  const b = keyed(before);
  const a = keyed(after);
  const out: VerdictChange[] = [];
  for (const k of new Set([...b.keys(), ...a.keys()])) {
    const x = b.get(k);
    const y = a.get(k);
    if (x && y && x.verdict === y.verdict) continue;
    const at = y ?? x!;
    out.push({ file: at.file, line: at.line, function: at.function, before: x?.verdict ?? null, after: y?.verdict ?? null, beforeReason: x?.reason ?? '', afterReason: y?.reason ?? '' });
  }
  return out.sort((p, q) => (p.file < q.file ? -1 : p.file > q.file ? 1 : p.line - q.line));
}
