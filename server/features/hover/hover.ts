// Hover: the lifetime of a page, in the words a reviewer would use, compact (the editor shows the diagnostic's
// message beside it: it is not repeated). Three places answer:
//   - a ZONE_DEVICE test (the predicate call, `->pgmap`) or a memmap read: the verdict line, where the page comes
//     from, the pins held and the one missing, and for a parameter what each caller passes — worst first, five
//     at most with "n more";
//   - a page variable (FnSummary.uses): its possible origins and what a ZONE_DEVICE test on it would be;
//   - a call that makes a page (pfn_to_page(), pte_page(), vm_normal_page() …): its contract, and the tests
//     in this function that depend on it.
import { FnSummary, Loc, Program, RULES, Sink, Verdict, VERDICT_RANK, helpUri } from '../../../engine';
import type { RuleCode } from '../../../engine';
import type { Effect } from '../../../engine';
import type { Resolved } from '../../../engine';
import { judge, verdictOf } from '../../../engine';
import type { Node } from '../../../engine';
import type { OpenDocument } from '../../core/documents';
import type { Snapshot } from '../../core/snapshot';
import { Position, Range, contains, toRange } from '../../core/types';

export interface HoverContext extends Snapshot {
  /** The client renders Markdown (else plain text). */
  markdown: boolean;
}

export interface HoverInfo {
  /** `text` is Markdown (else plain text). */
  markdown: boolean;
  text: string;
  /** What the hover is about (the client may highlight it). */
  range: Range;
}

/** Origins and callers listed, worst first; the rest are counted ("… n more"). */
const MAX_ROWS = 5;

export function hoverAt(cx: HoverContext, pos: Position): HoverInfo | null {
  const facts = cx.doc.facts;
  if (!facts) return null;
  const fn = facts.functions.find((f) => contains(f.loc, pos));
  if (!fn) return null;
  const md = new Md(cx);
  let range: Loc | undefined;

  const sink = pickSink(fn, pos);
  // On the name of a call that makes or pins a page (pfn_to_page() inside PageReserved(…)): that call.
  const call = callAt(cx.doc, pos);
  if (call && call.name !== sink?.api && cx.contracts.lookup(call.name).some((e) => MAKES[e.effect])) {
    range = call.loc;
    callHover(md, cx, fn, call.name, call.loc);
  } else if (sink) {
    range = sink.loc;
    sinkHover(md, cx, fn, sink);
  } else {
    const use = fn.uses?.find(([line, col, end]) => line === pos.line && col <= pos.character && pos.character <= end);
    if (!use) return null;
    const [line, col, end, name, alts] = use;
    range = { file: fn.file, line, col, endLine: line, endCol: end };
    variableHover(md, cx, fn, name, alts);
  }
  return { markdown: cx.markdown, text: md.text(), range: toRange(range) };
}

// ------------------------------------------------------------------------------------------------ the three

/** One sink judged: where its page comes from, the verdict, the rule it breaks (if any) and why. */
export interface SinkExplanation {
  resolved: Resolved[];
  verdict: Verdict;
  rule: RuleCode | null;
  reason: string;
  witness?: Resolved;
}

/** The engine's one explanation of a sink (Program.explain: the same dispatch as the audit's). */
export function explainSink(program: Program, fn: FnSummary, sink: Sink): SinkExplanation {
  return program.explain(fn, sink);
}

function sinkHover(md: Md, cx: HoverContext, fn: FnSummary, sink: Sink): void {
  const { resolved, verdict, rule, reason, witness } = explainSink(cx.program, fn, sink);
  // A field is named as a field (`page->pgmap`), a call as a call.
  const field = sink.api.includes('->') ? `the field \`${sink.argText ?? 'page'}->${sink.api.split('->')[1]}\`` : undefined;
  const what = sink.kind === 'zd-test'
    ? (field ? `${field} (a ZONE_DEVICE test)` : `\`${sink.api}(${sink.argText ?? ''})\``)
    : `${field ?? `\`${sink.api}(${sink.argText ?? ''})\``} (reads the memmap)`;
  const finding = cx.findings.find((f) => f.rule === rule && f.loc.line === sink.loc.line && f.loc.col === sink.loc.col);
  md.line(`${capitalize(what)}: **${verdict}**${rule ? ` — ${md.link(rule, helpUri(rule))} ${RULES[rule].title}` : ''}${finding?.suppressed ? ` (suppressed: “${finding.suppression}”)` : ''}`);
  // The diagnostic's message says why; without a finding nothing else does.
  if (!rule) md.line(`${capitalize(reason)}.`);
  md.blank();
  const viaCallers = sink.alts.some((a) => a.state === 'PARAM');
  // Verdict words on origins and callers are a ZONE_DEVICE test's: a memmap read is judged by its own rule.
  const words = sink.kind === 'zd-test';
  origins(md, sink.argText ?? 'the page', viaCallers ? resolved.filter((r) => r.local) : resolved, sink, viaCallers, words);
  pinsOrMissing(md, resolved, verdict, witness, sink.refPinsPgmap);
  callers(md, cx, fn, sink.alts, words);
}

function variableHover(md: Md, cx: HoverContext, fn: FnSummary, name: string, alts: Sink['alts']): void {
  const resolved = cx.program.resolver.resolveUse(alts, fn);
  const j = resolved.length ? judge(resolved, {}) : undefined;
  md.line(`\`${name}\` in \`${fn.name}()\`${j ? `: a ZONE_DEVICE test on it here would be **${j.verdict}**` : ''}`);
  md.blank();
  const viaCallers = alts.some((a) => a.state === 'PARAM');
  origins(md, name, viaCallers ? resolved.filter((r) => r.local) : resolved, {}, viaCallers);
  if (j) pinsOrMissing(md, resolved, j.verdict, j.witness);
  callers(md, cx, fn, alts);
}

const MAKES: Partial<Record<Effect, string>> = {
  'returns-ref': 'returns a page with a reference held: it stays alive until put_page()',
  'returns-mapped': 'returns a page mapped by the entry whose page-table lock is held: safe while the lock is held',
  'returns-online': 'returns NULL or an online page that is never ZONE_DEVICE: its memmap is valid',
  'returns-ptl': 'returns a raw page-table decode: no reference is taken, and the page-table lock does not keep a ZONE_DEVICE page alive',
  'returns-raw': 'returns the page of a pfn without a reference and without checking that its memmap is initialized',
  'returns-devpriv': 'may return a device-private page reached through HMM, with no pgmap pin',
  'returns-unknown': 'returns nothing pagecheck follows (new memory, an error pointer, a list node): its page is unknown, its pfn unchecked',
  'pgmap-get': 'pins the pgmap of the pfn (NULL if it is not ZONE_DEVICE or is going away) until put_dev_pagemap()',
  'takes-ref': 'takes a reference on the page: it stays alive until put_page()',
  'ref-on-success': 'takes a reference on the page when it returns true',
  'pfn-valid': 'only says a memmap exists for the section: not that it is initialized (offline memory, altmap head, /dev/mem pfns pass it)',
};

function callHover(md: Md, cx: HoverContext, fn: FnSummary, name: string, loc: Loc): void {
  const entry = cx.contracts.lookup(name).find((e) => MAKES[e.effect]);
  if (!entry) return;
  md.line(`\`${name}()\` ${MAKES[entry.effect]}.`);
  md.blank();
  md.line(`Contract: ${entry.reason}${entry.source && entry.source !== 'kernel' ? ` (from ${entry.source})` : ''}.`);
  // The tests in this function that see a page made by this very call.
  const fromHere = fn.sinks.filter((s) => s.alts.some((a) => sameStart(a.origin.loc, loc) || (a.guard && sameStart(a.guard, loc))));
  if (fromHere.length) {
    md.blank();
    md.line(`Uses of its page in \`${fn.name}()\`:`);
    for (const s of fromHere) {
      const v = explainSink(cx.program, fn, s);
      md.bullet(`\`${s.api}(${s.argText ?? ''})\` at ${md.loc(s.loc)}: **${v.verdict}**${v.rule ? ` (${v.rule})` : ''}`);
    }
  }
}

// ------------------------------------------------------------------------------------------------ sections

/** Where the page comes from, worst first: its origin, where, and the caller that brought it in. With
 *  `viaCallers`, only the origins in this function (the callers' are listed under Callers). */
function origins(md: Md, what: string, resolved: Resolved[], sink: Pick<Sink, 'devprivSafe'>, viaCallers: boolean, words = true): void {
  if (!resolved.length) {
    if (!viaCallers) md.line(`pagecheck cannot see where \`${what}\` comes from.`);
    return;
  }
  const sorted = [...resolved].sort((a, b) => VERDICT_RANK[verdictOf(b, sink)] - VERDICT_RANK[verdictOf(a, sink)]);
  md.line(sorted.length === 1 ? '**Origin**' : words ? '**Origins** (worst first)' : '**Origins**');
  for (const r of sorted.slice(0, MAX_ROWS)) {
    const first = r.chain[0];
    const by = r.chain.slice(1).find((x) => x.message.startsWith('passed'));
    const caller = by && / by (\w+)\(\)$/.exec(by.message)?.[1];
    // The origin's first clause (`page from pte_page()`): what it means is the Missing line's, or the diagnostic's.
    md.bullet(`${words ? `**${verdictOf(r, sink)}** ` : ''}${first ? `${firstClause(first.message)} — ${md.loc(first.loc)}` : STATE_WORDS[r.state] ?? r.state}${caller ? `, via \`${caller}()\`` : ''}`);
  }
  more(md, sorted.length);
  md.blank();
}

const STATE_WORDS: Record<string, string> = {
  REF: 'a page reference is held', PUT: 'the put path holds the last reference', PGMAP: 'a pgmap pin is held',
  MAPPED: 'mapped, under the page-table lock', ONLINE: 'online memory, never ZONE_DEVICE', DRIVER: 'driver-managed',
  PREDICATE: 'a predicate definition', PTL: 'a raw page-table decode', RAW: 'pfn_to_page() of an unchecked pfn',
  PARAM: 'a parameter', RET: 'a returned page', UNKNOWN: 'unknown',
};

/** The pins held (where) and, when the verdict is not safe, the one missing and how to take it. */
function pinsOrMissing(md: Md, resolved: Resolved[], verdict: Verdict, witness: Resolved | undefined, refPinsPgmap?: boolean): void {
  const pins = dedupe(resolved.flatMap((r) => r.pins));
  const held = pins.slice(0, MAX_ROWS).map((p) => `${p.api}() in ${p.fn}() (${md.loc(p.loc)})`).join(', ') + (pins.length > MAX_ROWS ? `, ${pins.length - MAX_ROWS} more` : '');
  if (verdict === 'safe') {
    md.line(`**Pins held**: ${held || (resolved.map((r) => STATE_WORDS[r.state]).filter(Boolean)[0] ?? 'pinned')}.`);
    md.blank();
    return;
  }
  const w = witness ?? resolved[0];
  let missing: string;
  // Since the per-page pgmap reference (Linux 6.1) a reference or the page-table lock is the remedy, not the predicate.
  if (w?.devpriv && refPinsPgmap) missing = 'a device-private page with no reference and no page-table lock (an HMM snapshot, a decode without the lock): take a reference (get_page()), test under the page-table lock, or pin the pgmap (get_dev_pagemap())';
  else if (w?.devpriv) missing = 'a device-private page reached through HMM with no pgmap pin (its driver manages it): test is_device_private_page(), or pin the pgmap (get_dev_pagemap())';
  else if (w?.state === 'PTL') missing = 'a page-table decode takes no reference and the page-table lock does not keep a ZONE_DEVICE page alive: take a reference (get_page() under the lock) or pin the pgmap: get_dev_pagemap(pfn, NULL) … put_dev_pagemap()';
  else if (w?.state === 'RAW') missing = `pfn_to_page() takes no reference${w.guarded ? ' and pfn_valid() does not mean the memmap is initialized' : ' and the pfn was never checked'}: test the pfn with pfn_to_online_page(), or pin it: get_dev_pagemap(pfn, NULL) … put_dev_pagemap()`;
  else if (w?.noCallers) missing = 'no caller in the indexed tree: each must hold a page reference (get_page(), get_user_pages()) or a pgmap pin (get_dev_pagemap()) across the call';
  else missing = 'pagecheck cannot see what keeps it alive: a page reference or a pgmap pin must be held here';
  md.line(`**Pins held**: ${held ? `${held}, on other paths` : 'none'}. **Missing**: ${missing}.`);
  md.blank();
}

function callers(md: Md, cx: HoverContext, fn: FnSummary, alts: Sink['alts'], words = true): void {
  const params = new Map<string, { param: number; viaPfn: boolean }>();
  for (const a of alts) if (a.state === 'PARAM' && a.param !== undefined) params.set(`${a.param}:${!!a.viaPfn}`, { param: a.param, viaPfn: !!a.viaPfn });
  for (const { param, viaPfn } of params.values()) {
    const pname = fn.params[param]?.name ?? `#${param + 1}`;
    const rows = cx.program.resolver.perCaller(fn, param, viaPfn).map((c) => {
      let worst: Resolved | undefined;
      for (const r of c.resolved) if (!worst || VERDICT_RANK[verdictOf(r, {})] > VERDICT_RANK[verdictOf(worst, {})]) worst = r;
      return { ...c, worst, verdict: worst ? verdictOf(worst, {}) : 'unknown' as Verdict };
    }).sort((a, b) => VERDICT_RANK[b.verdict] - VERDICT_RANK[a.verdict]);
    if (!rows.length) {
      md.line(`**Callers**: none in the indexed tree pass \`${pname}\`${viaPfn ? ' (a pfn)' : ''}: a caller must hold a page reference or a pgmap pin.`);
      md.blank();
      continue;
    }
    md.line(`**Callers** of \`${fn.name}()\` (what they pass as \`${pname}\`${viaPfn ? ', a pfn' : ''}${words ? ', worst first' : ''})`);
    for (const c of rows.slice(0, MAX_ROWS)) {
      const origin = c.worst?.chain[0];
      const pins = c.worst?.pins.length ? `, pinned by ${dedupe(c.worst.pins).map((p) => `${p.api}()`).join(', ')}` : '';
      md.bullet(`${words ? `**${c.verdict}** ` : ''}\`${c.caller.name}()\` ${md.loc({ file: c.file, line: c.line, col: 0, endLine: c.line, endCol: 0 })}${origin ? ` — ${origin.message}` : ''}${pins}`);
    }
    more(md, rows.length);
    md.blank();
  }
}

// ------------------------------------------------------------------------------------------------ helpers

function firstClause(message: string): string {
  const i = message.indexOf(': ');
  return i > 0 ? message.slice(0, i) : message;
}

function more(md: Md, n: number): void {
  if (n > MAX_ROWS) md.bullet(`… ${n - MAX_ROWS} more`);
}

function pickSink(fn: FnSummary, pos: Position): Sink | undefined {
  const hits = fn.sinks.filter((s) => contains(s.loc, pos));
  // The innermost wins; a ZONE_DEVICE test before a memmap read at the same place.
  hits.sort((a, b) => span(a.loc) - span(b.loc) || Number(a.kind !== 'zd-test') - Number(b.kind !== 'zd-test'));
  return hits[0];
}

function callAt(doc: OpenDocument, pos: Position): { name: string; loc: Loc } | undefined {
  const root = doc.parsed?.tree.rootNode;
  if (!root) return undefined;
  let n: Node | null = root.descendantForPosition({ row: pos.line, column: pos.character });
  for (let i = 0; n && i < 4; i++, n = n.parent) {
    if (n.type !== 'call_expression') continue;
    const f = n.childForFieldName('function');
    if (!f || f.type !== 'identifier') return undefined;
    // Only on the callee's name: on an argument, the argument is what is hovered.
    if (pos.line !== f.startPosition.row || pos.character < f.startPosition.column || pos.character > f.endPosition.column) return undefined;
    const name = doc.text.slice(f.startIndex, f.endIndex);
    return { name, loc: { file: doc.name, line: n.startPosition.row, col: n.startPosition.column, endLine: n.endPosition.row, endCol: n.endPosition.column } };
  }
  return undefined;
}

function span(l: Loc): number {
  return (l.endLine - l.line) * 10000 + (l.endCol - l.col);
}

function sameStart(a: Loc, b: Loc): boolean {
  return a.file === b.file && a.line === b.line && a.col === b.col;
}

function dedupe<T extends { api: string; loc: Loc }>(pins: T[]): T[] {
  const seen = new Set<string>();
  return pins.filter((p) => { const k = `${p.api}@${p.loc.file}:${p.loc.line}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** A little Markdown writer that degrades to plain text for clients without Markdown. */
class Md {
  private readonly out: string[] = [];
  constructor(private readonly cx: HoverContext) {}
  line(s: string): void { this.out.push(s); }
  blank(): void { if (this.out.length && this.out[this.out.length - 1] !== '') this.out.push(''); }
  bullet(s: string): void { this.out.push(`- ${s}`); }
  link(text: string, href: string): string { return this.cx.markdown ? `[${text}](${href})` : `${text} <${href}>`; }
  /** `[mm/x.c:12](file:///abs/mm/x.c#L12)` */
  loc(l: Loc): string {
    const text = `${l.file}:${l.line + 1}`;
    const uri = this.cx.uriOf(l.file);
    return uri.includes(':') && this.cx.markdown ? `[${text}](${uri}#L${l.line + 1})` : text;
  }
  text(): string {
    const s = this.out.join('\n').trim();
    return this.cx.markdown ? s : s.replace(/\*\*/g, '').replace(/`/g, '');
  }
}
