// Code actions: the quick fixes (fixes.ts) for the findings a request is about. The diagnostics the client sends
// back identify the findings (by rule and start, also carried in `data`); the findings themselves come from a fresh
// audit of the current text (the snapshot).
import type { Finding } from '../../../engine';
import type { Snapshot } from '../../core/snapshot';
import { Range, toRange } from '../../core/types';
import { Fix, fixesFor } from './fixes';

/** The kind of every action offered (LSP CodeActionKind.QuickFix). */
export const QUICK_FIX = 'quickfix';

/** A diagnostic as the client hands it back: what identifies the finding it shows. */
export interface DiagnosticRef {
  source?: string;
  code?: number | string;
  range: Range;
  data?: unknown;
}

export interface ActionRequest<D extends DiagnosticRef> {
  range: Range;
  /** The diagnostics at the cursor the client sends along (may be none). */
  diagnostics: readonly D[];
  /** The kinds asked for (none: all). */
  only?: readonly string[];
}

export interface QuickFix<D> {
  finding: Finding;
  /** The client's diagnostic this fixes (undefined when it asked by range only). */
  diagnostic?: D;
  fix: Fix;
}

export function quickFixes<D extends DiagnosticRef>(snap: Snapshot, req: ActionRequest<D>): Array<QuickFix<D>> {
  const only = req.only;
  if (only && only.length && !only.some((k) => k === '' || QUICK_FIX === k || QUICK_FIX.startsWith(`${k}.`))) return [];
  const live = snap.findings.filter((f) => snap.shown(f));
  const pairs: Array<{ finding: Finding; diagnostic?: D }> = [];
  const given = req.diagnostics.filter((d) => d.source === 'pagecheck');
  for (const d of given) {
    const data = d.data as { line?: unknown; col?: unknown } | undefined;
    const line = typeof data?.line === 'number' ? data.line : d.range.start.line;
    const col = typeof data?.col === 'number' ? data.col : d.range.start.character;
    const f = live.find((x) => x.rule === d.code && x.loc.line === line && x.loc.col === col)
      ?? live.find((x) => x.rule === d.code && x.loc.line === d.range.start.line && x.loc.col === d.range.start.character);
    if (f && !pairs.some((p) => p.finding === f)) pairs.push({ finding: f, diagnostic: d });
  }
  if (!given.length) {
    // Clients that ask by range only (or a lightbulb with no diagnostics attached): every finding in range.
    for (const f of live) if (overlaps(toRange(f.loc), req.range)) pairs.push({ finding: f });
  }
  const out: Array<QuickFix<D>> = [];
  // Two findings can share a fix (two memmap reads of one page on one line: one pfn_to_online_page() rewrite, one
  // suppression comment): each is offered once, for the first of them.
  const seen = new Set<string>();
  for (const { finding, diagnostic } of pairs) {
    for (const fix of fixesFor(finding, snap.doc.doc, snap.doc.parsed?.tree.rootNode, snap.contracts)) {
      const key = `${fix.title}\n${JSON.stringify(fix.edits)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ finding, diagnostic, fix });
    }
  }
  return out;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
