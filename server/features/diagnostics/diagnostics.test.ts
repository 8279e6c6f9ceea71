// What a file shows besides its findings: the configuration's errors, then a hint per function not analysed, so a
// missing squiggle is never taken for a clean bill.
import { strict as assert } from 'node:assert';
import type { FileFacts } from '../../../engine';
import { notesOf } from './diagnostics';

const facts = (over: Partial<FileFacts>): FileFacts => ({ file: 'mm/x.c', hash: '', functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0, lines: 10, suppressions: [], ...over });

describe('features: diagnostics (notes)', () => {
  it('a skipped file: one hint on its first line, with the reason', () => {
    const notes = notesOf({ uri: 'file:///x.c', findings: [], notes: [], facts: facts({ skipped: 'skipped: binary file (NUL bytes)' }) });
    assert.deepEqual(notes.map((n) => [n.severity, n.range.start.line, n.message]), [['hint', 0, 'pagecheck did not analyse this file: binary file (NUL bytes)']]);
  });

  it('configuration errors first, then the functions not analysed (a bodiless declaration is not one)', () => {
    const loc = { file: 'mm/x.c', line: 4, col: 0, endLine: 9, endCol: 1 };
    const fn = (name: string, notAnalyzed?: string) => ({ name, loc, notAnalyzed } as unknown as FileFacts['functions'][number]);
    const cfg = { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } }, severity: 'error' as const, message: 'severity.PC001: expected one of …' };
    const notes = notesOf({
      uri: 'file:///x.c', findings: [], notes: [cfg],
      facts: facts({ functions: [fn('big', 'not analyzed: budget exceeded'), fn('proto', 'no body'), fn('fine')], notAnalyzed: [{ line: 20, name: 'mangled', reason: 'parse error' }] }),
    });
    assert.deepEqual(notes.map((n) => [n.severity, n.range.start.line, n.message]), [
      ['error', 1, 'severity.PC001: expected one of …'],
      ['hint', 4, 'big() not analysed: budget exceeded'],
      ['hint', 20, 'mangled() not analysed: parse error'],
    ]);
  });
});
