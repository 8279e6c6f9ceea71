// The reply: plain text to paste under a series on a mailing list, at most 80 columns (tabs count 8), in the seed
// message's voice — per patch the quoted hunk that caused the change, then `file:line: function(): verdict, reason`,
// the chain (origin, how the page got there, the missing pin) and the fix; sections "New", "Fixed" and, for
// verdicts that changed without a finding coming or going, "Changed". Nothing at all when nothing changed.
import { FileFacts, RULES, RuleCode } from '../../engine';
import { JsonFinding } from '../formats/json';
import { PathView } from '../paths';
import { PatchDelta, VerdictChange } from './delta';
import { Patch, Series, stripPrefix } from './series';
import type { StructuredPatch } from 'diff';

export const WIDTH = 80;

export interface ReplyPatch {
  patch: Patch;
  delta: PatchDelta;
  /** Facts before and after the patch (function ranges, to find the hunk on a finding's chain). */
  before: Map<string, FileFacts>;
  after: Map<string, FileFacts>;
}

export function renderReply(series: Series, patches: readonly ReplyPatch[], view: PathView, tool: string): string {
  const changed = patches.filter((p) => p.delta.newFindings.length || p.delta.fixed.length || leftover(p.delta).length);
  if (!changed.length) return '';
  const nNew = patches.reduce((n, p) => n + p.delta.newFindings.length, 0);
  const nFixed = patches.reduce((n, p) => n + p.delta.fixed.length, 0);
  const out: string[] = [];
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  out.push(...wrap(`${tool} reviewed ${count(series.patches.length, 'patch', 'patches')} on top of ${series.baseName}: ${count(nNew, 'new finding', 'new findings')}, ${nFixed} fixed.`, '', ''));
  for (const p of changed) {
    out.push('', ...wrap(p.patch.subject, '', '  '));
    const hunks = new Set<string>();
    const quote = (f: JsonFinding, side: 'old' | 'new') => {
      for (const h of hunksFor(p, f, side)) {
        const key = `${h.file}\0${h.hunk.oldStart}`;
        if (hunks.has(key)) continue;
        hunks.add(key);
        const at = (side === 'new' ? p.after : p.before).get(h.file)?.functions.find((x) => x.loc.line + 1 <= h.hunk.newStart + 3 && h.hunk.newStart + 3 <= x.loc.endLine + 1);
        out.push('', ...quoteHunk(h.file, h.hunk, view, at?.name));
      }
    };
    for (const f of p.delta.newFindings) quote(f, 'new');
    for (const f of p.delta.fixed) quote(f, 'old');
    if (p.delta.newFindings.length) {
      out.push('', 'New:');
      for (const f of p.delta.newFindings) out.push('', ...newFinding(f, p, view));
    }
    if (p.delta.fixed.length) {
      out.push('', 'Fixed:');
      for (const f of p.delta.fixed) out.push('', ...fixedFinding(f, p, view));
    }
    const rest = leftover(p.delta);
    if (rest.length) {
      out.push('', 'Changed:');
      for (const v of rest) out.push('', ...wrap(`${view.show(v.file)}:${v.line}: ${v.function}(): was ${v.before ?? 'not tested'}, now ${v.after ?? 'no ZONE_DEVICE test'}${v.after ? `, ${v.afterReason}` : ''}`, '', '  ', view));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Verdict changes that no new or fixed finding already tells. */
function leftover(d: PatchDelta): VerdictChange[] {
  const told = new Set([...d.newFindings, ...d.fixed].map((f) => `${f.file}\0${f.function}`));
  return d.verdicts.filter((v) => !told.has(`${v.file}\0${v.function}`));
}

function headline(f: JsonFinding, view: PathView, was = false): string {
  const m = /^([^:]+(?:\? HMM)?): (.*)$/.exec(f.message);
  const verdict = m ? m[1] : f.verdict;
  const head = (m ? m[2] : f.message).split(/: /)[0];
  const fn = f.function ? `${f.function}(): ` : '';
  return `${view.show(f.file)}:${f.line}: ${fn}${was ? 'was ' : ''}${verdict}, ${head} [${f.rule}]`;
}

function chain(f: JsonFinding, view: PathView): string[] {
  const out: string[] = [];
  f.related.forEach((r, i) => {
    const label = i === 0 ? 'origin: ' : /^pinned by /.test(r.message) ? 'pin: ' : 'then: ';
    out.push(...wrap(`${label}${r.message} (${r.file}:${r.line})`, '  ', '    ', view));
  });
  return out;
}

/**
 * Pins a safe reason names, whole: `get_page() in copy_huge_pmd() (mm/huge_memory.c:1152)`. A reason cites a
 * place in its own file as `(:1152)` and a pin in its own function without the function (`sg_page() (:43)`);
 * only a safe reason's calls with a place are pins (an unsafe one cites its origin and the call that brought it).
 */
function pinsOf(v: VerdictChange, which: 'before' | 'after'): string[] {
  if (v[which] !== 'safe') return [];
  const reason = which === 'before' ? v.beforeReason : v.afterReason;
  return [...reason.matchAll(/\b([A-Za-z_]\w*\(\))(?: in ([A-Za-z_]\w*)\(\))? \(([^()\s]*):(\d+)\)/g)]
    .map((m) => `${m[1]} in ${m[2] ?? v.function}() (${m[3] || v.file}:${m[4]})`);
}

function newFinding(f: JsonFinding, p: ReplyPatch, view: PathView): string[] {
  const out = wrap(headline(f, view), '', '  ', view);
  const v = p.delta.verdicts.find((x) => x.file === f.file && x.function === f.function);
  if (v?.before) out.push(...wrap(`was: ${v.before}, ${v.beforeReason}`, '  ', '    ', view));
  out.push(...chain(f, view));
  // The pins the patch took away on this finding's path: held before, in a function its chain goes through.
  const onPath = new Set([f.function, ...f.related.flatMap((r) => [...r.message.matchAll(/\b([A-Za-z_]\w*)\(\)/g)].map((m) => m[1]))]);
  const lost = v ? pinsOf(v, 'before').filter((x) => !pinsOf(v, 'after').includes(x) && onPath.has(/ in ([A-Za-z_]\w*)\(\)/.exec(x)?.[1] ?? '')) : [];
  const rule = RULES[f.rule as RuleCode];
  if (lost.length) out.push(...wrap(`missing pin: ${lost.join(' and ')}, which held before this patch`, '  ', '    ', view));
  else if (f.rule === 'PC001' || f.rule === 'PC002') out.push(...wrap('missing pin: nothing on this path holds a page reference, get_dev_pagemap() or dax_lock_page()', '  ', '    '));
  const keep = lost.map((x) => x.replace(/ \([^()]*\)$/, ''));
  out.push(...wrap(`fix: ${keep.length ? `keep the ${keep.join(' and the ')}; or ` : ''}${rule ? lowerFirst(rule.help) : ''}`, '  ', '    '));
  return out;
}

function fixedFinding(f: JsonFinding, p: ReplyPatch, view: PathView): string[] {
  const out = wrap(headline(f, view, true), '', '  ', view);
  out.push(...chain(f, view));
  const v = p.delta.verdicts.find((x) => x.file === f.file && x.function === f.function);
  if (v) out.push(...wrap(v.after ? `now: ${v.after}, ${v.afterReason}` : `now: no ZONE_DEVICE test left in ${f.function}()`, '  ', '    ', view));
  return out;
}

interface HunkRef { file: string; hunk: StructuredPatch['hunks'][number] }

/**
 * The hunks of the patch on a finding's chain: in a file the finding or a step of its chain is in, inside the same
 * function as that place (after the patch for a new finding, before it for a fixed one); else the nearest hunk in
 * such a file within 40 lines.
 */
function hunksFor(p: ReplyPatch, f: JsonFinding, side: 'old' | 'new'): HunkRef[] {
  const facts = side === 'new' ? p.after : p.before;
  const places = [{ file: f.file, line: f.line }, ...f.related.map((r) => ({ file: r.file, line: r.line }))];
  const out: HunkRef[] = [];
  let nearest: { ref: HunkRef; d: number } | undefined;
  for (const sp of p.patch.files) {
    const file = stripPrefix(side === 'new' ? sp.newFileName : sp.oldFileName) || stripPrefix(sp.newFileName) || stripPrefix(sp.oldFileName);
    for (const hunk of sp.hunks) {
      const start = side === 'new' ? hunk.newStart : hunk.oldStart;
      const end = start + Math.max(side === 'new' ? hunk.newLines : hunk.oldLines, 1) - 1;
      for (const pl of places) {
        if (pl.file !== file) continue;
        const fn = facts.get(file)?.functions.find((x) => x.loc.line + 1 <= pl.line && pl.line <= x.loc.endLine + 1);
        const [lo, hi] = fn ? [fn.loc.line + 1, fn.loc.endLine + 1] : [pl.line, pl.line];
        if (start <= hi && end >= lo) { if (!out.some((o) => o.hunk === hunk)) out.push({ file, hunk }); continue; }
        const d = Math.min(Math.abs(start - pl.line), Math.abs(end - pl.line));
        if (d <= 40 && (!nearest || d < nearest.d)) nearest = { ref: { file, hunk }, d };
      }
    }
  }
  return out.length ? out : nearest ? [nearest.ref] : [];
}

/** `> ` quoted hunk: its header, the changed lines and two lines of context around them. */
function quoteHunk(file: string, hunk: StructuredPatch['hunks'][number], view: PathView, fn?: string): string[] {
  const out = [clip(`> ${view.show(file)}`), clip(`> @@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${fn ? ` ${fn}()` : ''}`)];
  const lines = hunk.lines.filter((l) => !l.startsWith('\\'));
  const keep = new Set<number>();
  lines.forEach((l, i) => { if (l[0] === '+' || l[0] === '-') for (let k = i - 2; k <= i + 2; k++) keep.add(k); });
  let gap = false;
  lines.forEach((l, i) => {
    if (!keep.has(i)) { if (!gap && out.length > 2) out.push('> ...'); gap = true; return; }
    gap = false;
    out.push(clip(`> ${l}`));
  });
  while (out[out.length - 1] === '> ...') out.pop();
  return out;
}

/** Display width with tabs to the next multiple of 8, as a mail reader shows them. */
export function width(s: string): number {
  let w = 0;
  for (const c of s) w = c === '\t' ? (Math.floor(w / 8) + 1) * 8 : w + 1;
  return w;
}

/** A quoted code line cut to the width (code is never re-flowed). */
function clip(s: string): string {
  if (width(s) <= WIDTH) return s;
  let t = s;
  while (width(`${t}...`) > WIDTH) t = t.slice(0, -1);
  return `${t}...`;
}

/** Words re-flowed to the width, the first line after `first`, the others after `rest`; paths through the view. */
export function wrap(text: string, first: string, rest: string, view?: PathView): string[] {
  const words = (view ? view.message(text) : text).split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    const next = empty ? `${line}${w}` : `${line} ${w}`;
    if (!empty && width(next) > WIDTH) { out.push(line); line = `${rest}${w}`; }
    else line = next;
    empty = false;
  }
  if (!empty) out.push(line);
  return out.map((l) => (width(l) > WIDTH ? hardBreak(l, rest, out) : l)).flat();
}

/** A single word longer than the width (a long path): cut into pieces, the rest indented. */
function hardBreak(l: string, rest: string, _all: string[]): string[] {
  const out: string[] = [];
  let s = l;
  while (width(s) > WIDTH) { out.push(s.slice(0, WIDTH)); s = `${rest}${s.slice(WIDTH)}`; }
  out.push(s);
  return out;
}

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}
