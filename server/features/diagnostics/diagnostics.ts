// What a file shows besides its findings: hints for what was not analysed in an open file (skipped file, budget
// cut-off, nesting limit, parse error) — the editor's side of the CLI's `notAnalyzed` / `skipped`, so a missing
// squiggle is never mistaken for a clean bill — and the configuration errors the core found.
import type { FileFacts } from '../../../engine';
import type { FileDiagnostics, Note } from '../../core/types';

/** The notes `d` shows: configuration errors, then what was not analysed in its facts. */
export function notesOf(d: FileDiagnostics): Note[] {
  return d.facts ? [...d.notes, ...notAnalyzedNotes(d.facts)] : d.notes;
}

export function notAnalyzedNotes(facts: FileFacts): Note[] {
  const hint = (line: number, message: string): Note => ({
    range: { start: { line, character: 0 }, end: { line, character: 0 } }, severity: 'hint', message,
  });
  const reason = (r: string) => r.replace(/^(not analy[sz]ed|skipped):\s*/, '');
  if (facts.skipped) return [hint(0, `pagecheck did not analyse this file: ${reason(facts.skipped)}`)];
  const out: Note[] = [];
  for (const f of facts.functions) if (f.notAnalyzed && f.notAnalyzed !== 'no body') out.push(hint(f.loc.line, `${f.name}() not analysed: ${reason(f.notAnalyzed)}`));
  for (const m of facts.notAnalyzed) out.push(hint(m.line, `${m.name}() not analysed: ${reason(m.reason)}`));
  return out;
}
