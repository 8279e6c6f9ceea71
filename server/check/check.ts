// `pagecheck --check FILE`: the language server's own document path, headless (clangd's --check). The core is
// started in process on the file's workspace (the kernel tree it belongs to), indexes it as the editor would, opens
// the file as a buffer, and everything an editor would show is printed: the diagnostics as published, then at
// every sink (ZONE_DEVICE test, memmap read) the verdict, the hover text and the code actions with their edits.
// For bug reports: the output is what the server computes, no client in between.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding, findKernelVersion, locText } from '../../engine';
import { Headless } from '../core/headless';
import type { Snapshot } from '../core/snapshot';
import type { TextEdit } from '../core/types';
import { toRange } from '../core/types';
import { notesOf } from '../features/diagnostics/diagnostics';
import { quickFixes } from '../features/fixes/actions';
import { explainSink, hoverAt } from '../features/hover/hover';

export interface CheckOptions {
  /** Where the text goes (stdout). */
  write(text: string): void;
  /** Progress and the server's log (stderr). */
  log(line: string): void;
}

/** Runs the check; resolves to the exit status (0, or 2 when the file cannot be checked). */
export async function check(file: string, cwd: string, o: CheckOptions): Promise<number> {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    if (!fs.statSync(abs).isFile()) { o.log(`pagecheck: --check ${file}: not a file`); return 2; }
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    o.log(`pagecheck: --check ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    return 2;
  }
  const { root, why } = workspaceOf(abs);
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(`pagecheck --check ${file}`);
  line(`workspace: ${root} (${why})`);

  const t0 = Date.now();
  const h = await Headless.start(root, { log: (l) => o.log(`  server: ${l}`) });
  try {
    // A header opens as VS Code labels it (cpp): the server must take it all the same.
    const uri = h.open(abs, text);
    await h.settled();
    for (const l of h.logs.filter((x) => /index/.test(x))) line(`index: ${l}`);
    const snap = h.snapshot(uri);
    if (!snap) { o.log(`pagecheck: --check ${file}: the server did not open the file`); return 2; }
    const facts = snap.doc.facts!;
    const sinks = facts.functions.flatMap((fn) => fn.sinks.map((s) => ({ fn, s }))).sort((a, b) => a.s.loc.line - b.s.loc.line || a.s.loc.col - b.s.loc.col);
    line(`file: ${snap.doc.name}, ${text.split('\n').length} lines, ${facts.functions.length} functions, ${sinks.length} sinks`
      + `${facts.skipped ? `; ${facts.skipped}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

    const d = h.published.get(uri);
    const findings = d?.findings ?? [];
    const notes = d ? notesOf(d) : [];
    line();
    line(`diagnostics (${findings.length + notes.length}):`);
    for (const f of findings) {
      line(`  ${at(f.loc.line, f.loc.col)} ${f.severity} ${f.rule}: ${f.message}`);
      for (const r of f.related) line(`      ${locText(r.loc)}: ${r.message}`);
    }
    for (const n of notes) line(`  ${at(n.range.start.line, n.range.start.character)} ${n.severity}: ${n.message}`);

    line();
    line(`sinks (${sinks.length}):`);
    for (const { fn, s } of sinks) {
      const e = explainSink(snap.program, fn, s);
      const kind = s.kind === 'zd-test' ? 'ZONE_DEVICE test' : 'memmap read';
      line(`  ${at(s.loc.line, s.loc.col)} ${fn.name}(): ${kind} ${s.api.includes('->') ? `${s.argText ?? 'page'}->${s.api.split('->')[1]}` : `${s.api}(${s.argText ?? ''})`}: ${e.verdict}${e.rule ? ` (${e.rule})` : ''}`);
      const hover = hoverAt({ ...snap, markdown: false }, { line: s.loc.line, character: s.loc.col });
      line('    hover:');
      for (const h of (hover?.text ?? '(none)').split('\n')) line(`      | ${h}`.trimEnd());
      const here = findings.filter((f) => f.loc.line === s.loc.line && f.loc.col === s.loc.col);
      const actions = here.flatMap((f) => actionsFor(snap, f));
      line(`    code actions (${actions.length}):`);
      for (const a of actions) {
        line(`      - ${a.preferred ? '[preferred] ' : ''}${a.title}`);
        for (const ed of a.edits) line(`          ${editText(ed)}`);
      }
    }
    // Findings that are not at a sink (PC000: a suppression without a reason).
    const elsewhere = findings.filter((f) => !sinks.some(({ s }) => s.loc.line === f.loc.line && s.loc.col === f.loc.col));
    if (elsewhere.length) {
      line();
      line('other code actions:');
      for (const f of elsewhere) {
        line(`  ${at(f.loc.line, f.loc.col)} ${f.rule}:`);
        for (const a of actionsFor(snap, f)) {
          line(`      - ${a.preferred ? '[preferred] ' : ''}${a.title}`);
          for (const ed of a.edits) line(`          ${editText(ed)}`);
        }
      }
    }
    o.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    h.dispose();
  }
}

/** The code actions an editor gets for `f` with its diagnostic under the cursor. */
function actionsFor(snap: Snapshot, f: Finding) {
  const range = toRange(f.loc);
  const ref = { source: 'pagecheck', code: f.rule, range, data: { line: f.loc.line, col: f.loc.col } };
  return quickFixes(snap, { range, diagnostics: [ref] }).map((q) => q.fix);
}

/** The workspace folder an editor would have open: the kernel tree, else the nearest `.pagecheck.json`, else the
 *  file's directory. */
export function workspaceOf(abs: string): { root: string; why: string } {
  const k = findKernelVersion(path.dirname(abs));
  if (k) return { root: path.dirname(k.makefile), why: `the kernel tree: Linux ${k.version} contracts` };
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.pagecheck.json'))) return { root: dir, why: 'the nearest .pagecheck.json' };
    if (path.dirname(dir) === dir) break;
  }
  return { root: path.dirname(abs), why: "the file's directory: no kernel Makefile or .pagecheck.json above it" };
}

function at(line: number, col: number): string {
  return `${line + 1}:${col + 1}`;
}

function editText(e: TextEdit): string {
  const r = e.range;
  const where = r.start.line === r.end.line && r.start.character === r.end.character
    ? `insert at ${at(r.start.line, r.start.character)}` : `replace ${at(r.start.line, r.start.character)}-${at(r.end.line, r.end.character)}`;
  return `${where}: ${JSON.stringify(e.newText)}`;
}
