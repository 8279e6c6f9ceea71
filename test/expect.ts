// Expectations led by data: what pagecheck says about a fixture, rendered as a reviewer reads it, in a file beside
// the fixture (`x.c` → `x.c.expected`). A test renders and compares; with UPDATE_EXPECT=1 it writes the files
// instead (review the change with `git diff`), like rust-analyzer's expect-test.
//
// The format: one block per place, in line order. A block starts unindented with `LINE:COL KIND …` (1-based) and
// goes on with lines indented by two spaces (`note:` lines are a finding's chain, in order). Kinds so far:
//   PCxxx         a finding: `PC001 warning: unsafe: <reason>` (`[suppressed: why]` when suppressed);
//   test          a ZONE_DEVICE test with no finding: `test is_zone_device_page: safe: <reason>`;
//   not-analyzed  a function pagecheck could not analyse, with the reason.
// Other renderers (hover text, quick-fix results) add their own kinds in the same shape, in files of their own.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuditResult, Loc, Step } from '../engine/index';

export const UPDATE_EXPECT = process.env.UPDATE_EXPECT === '1';

/** Compares `actual` with the file's text, or writes it there under UPDATE_EXPECT=1. */
export function expectFile(file: string, actual: string): void {
  if (UPDATE_EXPECT) {
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== actual) fs.writeFileSync(file, actual);
    return;
  }
  const rel = path.relative(process.cwd(), file);
  if (!fs.existsSync(file)) assert.fail(`${rel} does not exist: run UPDATE_EXPECT=1 npm run test:unit and review it`);
  const want = fs.readFileSync(file, 'utf8');
  if (want === actual) return;
  const a = want.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const show = (lines: string[]) => lines.slice(i, i + 6).map((l) => `    ${l}`).join('\n');
  assert.fail(`${rel}:${i + 1}: the output differs (UPDATE_EXPECT=1 npm run test:unit rewrites it; review with git diff)\n  expected:\n${show(a)}\n  actual:\n${show(b)}`);
}

const at = (l: Loc) => `${l.line + 1}:${l.col + 1}`;
const note = (s: Step) => `  note: ${s.loc.file}:${at(s.loc)}: ${s.message}`;

/** Everything the audit says about `file`: findings with their chains, the other ZONE_DEVICE tests, what was not analysed. */
export function renderAudit(file: string, result: AuditResult): string {
  const blocks: Array<{ line: number; col: number; order: number; text: string }> = [];
  for (const f of result.findings) {
    if (f.loc.file !== file) continue;
    const head = `${at(f.loc)} ${f.rule} ${f.severity}${f.suppressed ? ` [suppressed: ${f.suppression}]` : ''}: ${f.message}`;
    blocks.push({ line: f.loc.line, col: f.loc.col, order: 0, text: [head, ...f.related.map(note)].join('\n') });
  }
  for (const fn of result.functions) {
    if (fn.file !== file) continue;
    for (const t of fn.tests) {
      if (t.rule) continue; // reported above, as its finding
      blocks.push({ line: t.loc.line, col: t.loc.col, order: 1, text: `${at(t.loc)} test ${t.predicate}: ${t.verdict}: ${t.reason}` });
    }
  }
  for (const n of result.notAnalyzed) {
    if (n.file !== file) continue;
    blocks.push({ line: n.line, col: 0, order: 2, text: `${n.line + 1}:1 not-analyzed ${n.fn}(): ${n.reason}` });
  }
  blocks.sort((a, b) => a.line - b.line || a.col - b.col || a.order - b.order || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return `# pagecheck on ${file} (rewritten by UPDATE_EXPECT=1 npm run test:unit)\n${blocks.map((b) => `${b.text}\n`).join('')}`;
}
