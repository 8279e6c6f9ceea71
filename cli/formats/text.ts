// gcc-style lines, so editors' and CI's problem matchers pick them up: `file:line:col: warning: message [PC001]`,
// then the chain as `file:line:col: note: …` lines with their own places (a compilation buffer jumps to the origin
// and to the missing pin). Paths are shown through a PathView (relative to the current directory).
import { Severity } from '../../engine';
import { PathView } from '../paths';
import { JsonDocument, JsonFinding } from './json';

/** gcc knows error/warning/note: information and hint findings print as notes. */
export function severityWord(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** One finding and its chain, as gcc prints a diagnostic and its notes. */
export function findingLines(f: JsonFinding, view: PathView): string {
  let out = `${view.show(f.file)}:${f.line}:${f.column}: ${severityWord(f.severity)}: ${view.message(f.message)} [${f.rule}]\n`;
  for (const r of f.related) out += `${view.show(r.file)}:${r.line}:${r.column}: note: ${view.message(r.message)}\n`;
  return out;
}

export function renderText(doc: JsonDocument, view: PathView, configShown?: string): string {
  let out = doc.findings.filter((f) => !f.suppressed).map((f) => findingLines(f, view)).join('');
  for (const s of doc.unusedSuppressions ?? []) {
    const where = `${configShown ?? '.pagecheck.json'}${s.line ? `:${s.line}:1` : ''}`;
    out += `${where}: note: suppressions[${s.index}] (${s.rule}${s.function ? ` in ${s.function}()` : ''}, ${s.file}) matches no finding: remove it\n`;
  }
  return out;
}

/** The one-line summary printed on stderr after the findings. */
export function summaryLine(doc: JsonDocument, baselined = 0): string {
  const live = doc.findings.filter((f) => !f.suppressed);
  const count = (w: string) => live.filter((f) => severityWord(f.severity) === w).length;
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), plural(count('note'), 'note')];
  const suppressed = doc.findings.length - live.length;
  const s = doc.stats;
  const extra = [
    suppressed ? `${suppressed} suppressed` : '',
    baselined ? `${baselined} in the baseline` : '',
    s.functionsNotAnalyzed ? `${plural(s.functionsNotAnalyzed, 'function')} not analyzed` : '',
    doc.skipped.length ? `${plural(doc.skipped.length, 'file')} skipped` : '',
  ].filter(Boolean);
  const kernel = doc.kernelVersion ? `, kernel ${doc.kernelVersion} contracts` : '';
  // Counts that mean the same however the tree was read (whole or on demand): files audited, functions with a
  // ZONE_DEVICE test (the number of functions parsed depends on the path, so it is not printed here).
  return `pagecheck: ${parts.join(', ')}${extra.length ? ` (${extra.join(', ')})` : ''} in ${plural(s.files, 'file')}, ${plural(doc.functions.length, 'function')} with a ZONE_DEVICE test${kernel}, ${(s.ms / 1000).toFixed(1)} s`;
}

/** Skipped files: one line in all (by reason), or one line each with --verbose. */
export function skippedLines(doc: JsonDocument, view: PathView, verbose: boolean): string[] {
  if (!doc.skipped.length) return [];
  if (verbose) return doc.skipped.map((s) => `pagecheck: ${view.show(s.file)}: skipped: ${s.reason}`);
  const byWhy = new Map<string, number>();
  for (const s of doc.skipped) {
    const why = /maxFileSize/.test(s.reason) ? 'over maxFileSize' : s.reason.replace(/^skipped: /, '').replace(/ \(.*\)$/, '');
    byWhy.set(why, (byWhy.get(why) ?? 0) + 1);
  }
  const n = doc.skipped.length;
  return [`pagecheck: ${n} file${n === 1 ? '' : 's'} skipped (${[...byWhy].map(([w, k]) => `${k} ${w}`).join(', ')}; --verbose names them)`];
}
