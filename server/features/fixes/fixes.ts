// The quick fixes, as text edits on the buffer. Each one is written so that, applied to the code it is offered
// for, the result still parses and the finding is gone without a new one (test/server/codeActions.test.ts
// applies every fix offered on the fixtures and checks exactly that). A fix whose shape is not recognised is
// not offered: a wrong edit is worse than none.
import { ContractTable, Finding, SUPPRESSION_REASON_PLACEHOLDER, Sink } from '../../../engine';
import type { Node } from '../../../engine';
import { callArgs, calleeName, functionOf, isJump, nextStatement, nodeAt, onlyDeclarationsBefore, statementOf, unwrap } from '../../../engine';
import type { TextBuffer, TextEdit } from '../../core/types';

export interface Fix {
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
}

interface Cx {
  doc: TextBuffer;
  text: string;
  root: Node | undefined;
  unit: string;
  /** The APIs' twins (privateTwin, pfnTwin, pfnOf) come from the contract table, never from this file. */
  contracts: ContractTable;
}

export function fixesFor(f: Finding, doc: TextBuffer, root: Node | undefined, contracts: ContractTable): Fix[] {
  const text = doc.getText();
  const cx: Cx = { doc, text, root, unit: indentUnit(text), contracts };
  const out: Fix[] = [];
  const sink = f.sink;
  if (root && sink) {
    try {
      switch (f.rule) {
        case 'PC001': push(out, pfnTest(cx, sink), pinAcross(cx, sink)); break;
        case 'PC002': push(out, devicePrivate(cx, sink)); break;
        case 'PC003': push(out, onlineGuard(cx, sink)); break;
        case 'PC004': push(out, reservedShape(cx, sink) ?? onlineGuard(cx, sink)); break;
        default: break;
      }
    } catch {
      // A tree shape this code did not expect: offer the suppression only.
    }
  }
  if (out.length) out[0].preferred = true;
  out.push(f.rule === 'PC000' ? addReason(cx, f) : suppress(cx, f));
  return out;
}

function push(out: Fix[], ...fixes: Array<Fix | undefined>): void {
  for (const f of fixes) if (f) out.push(f);
}

// ------------------------------------------------------------------------------------------------ PC001

/** `is_zone_device_page(page)` → `!pfn_to_online_page(pfn)` (the contract's pfnTwin and pfnOf): the pfn is
 *  tested, the memmap is not read. */
function pfnTest(cx: Cx, sink: Sink): Fix | undefined {
  const entry = cx.contracts.find(sink.api, 'zone-device-test');
  if (!entry?.pfnTwin || !entry.pfnOf) return undefined;
  const call = nodeAt(cx.root!, sink.loc, ['call_expression']);
  if (!call || calleeName(call, cx.text) !== sink.api) return undefined;
  const arg = callArgs(call)[0];
  if (!arg) return undefined;
  const argText = cx.text.slice(arg.startIndex, arg.endIndex);
  const pfn = pfnOf(cx, sink)?.text ?? `${entry.pfnOf}(${argText})`;
  let start = call.startIndex;
  let negated = false;
  const parent = call.parent;
  if (parent?.type === 'unary_expression' && cx.text.slice(parent.startIndex, call.startIndex).trim() === '!') {
    start = parent.startIndex;
    negated = true;
  }
  const test = `${negated ? '' : '!'}${entry.pfnTwin}(${pfn})`;
  return {
    title: `Test the pfn instead: ${test} (no online memmap: ZONE_DEVICE or offline)`,
    edits: [replace(cx, start, call.endIndex, test)],
  };
}

/** Keep the pgmap pinned across the test: `get_dev_pagemap(pfn, NULL)` … `put_dev_pagemap()`. */
function pinAcross(cx: Cx, sink: Sink): Fix | undefined {
  // The pin must name the pfn exactly as the engine keys it, and that must still be good C.
  const pfn = pfnOf(cx, sink)?.key;
  if (!pfn) return undefined;
  const isField = sink.api.includes('->');
  const node = nodeAt(cx.root!, sink.loc, isField ? ['field_expression'] : ['call_expression']);
  const stmt = node && statementOf(node);
  const fn = stmt && functionOf(stmt);
  if (!node || !stmt || !fn) return undefined;
  const fnText = cx.text.slice(fn.startIndex, fn.endIndex);
  const pg = uniqueName(fnText, 'pgmap');
  const u = cx.unit;
  const get = `struct dev_pagemap *${pg} = get_dev_pagemap(${pfn}, NULL);`;
  const put = [`if (${pg})`, `${u}put_dev_pagemap(${pg});`];
  const title = `Pin the pgmap across the test: get_dev_pagemap(${pfn}, NULL) … put_dev_pagemap()`;

  // A predicate in a condition, an expression or a return: evaluate it while pinned, drop the pin, then
  // run the statement on the result (so no early exit can leak the pin).
  const condition = stmt.type === 'if_statement' ? stmt.childForFieldName('condition') : stmt;
  if (!isField && ['if_statement', 'expression_statement', 'return_statement'].includes(stmt.type) && condition && within(node, condition)) {
    const flag = uniqueName(fnText, flagName(sink.api));
    const callText = cx.text.slice(node.startIndex, node.endIndex);
    const rest = cx.text.slice(stmt.startIndex, node.startIndex) + flag + cx.text.slice(node.endIndex, stmt.endIndex);
    return { title, edits: [inBlock(cx, stmt, [get, `bool ${flag} = ${pg} && ${callText};`, '', ...put, rest])] };
  }
  // Otherwise wrap the whole statement, when nothing in it leaves the block early.
  const loop = ['while_statement', 'for_statement', 'do_statement'].includes(stmt.type);
  if (stmt.type === 'declaration' || stmt.type === 'compound_statement' || leaves(stmt, loop)) return undefined;
  return { title, edits: [inBlock(cx, stmt, [get, '', textOf(cx, stmt), ...put])] };
}

/**
 * Replaces `stmt` with a block of `lines` (the statement's own text may be one of them, several lines long,
 * indented as in the buffer). The unbraced body of a for/while/if gets its braces on the header line, kernel
 * style; any other statement becomes a `{ … }` block in place.
 */
function inBlock(cx: Cx, stmt: Node, lines: string[]): TextEdit {
  const parent = stmt.parent;
  const isBody = !!parent && ((['for_statement', 'while_statement', 'do_statement'].includes(parent.type) && parent.childForFieldName('body')?.id === stmt.id)
    || (parent.type === 'if_statement' && parent.childForFieldName('consequence')?.id === stmt.id) || parent.type === 'else_clause');
  const ind = indentOf(cx.text, stmt.startPosition.row);
  const own = textOf(cx, stmt);
  const head = cx.text.slice(lineStart(cx.text, stmt.startPosition.row), stmt.startIndex);
  if (isBody && !head.trim()) {
    let at = stmt.startIndex;
    while (at > 0 && /\s/.test(cx.text[at - 1])) at--;
    const outer = indentOf(cx.text, cx.doc.positionAt(at).line);
    const body = lines.map((l) => (!l ? l : `${ind}${l}`));
    return replace(cx, at, stmt.endIndex, ` {\n${body.join('\n')}\n${outer}}`);
  }
  const body = lines.map((l) => (!l ? l : `${ind}${cx.unit}${l === own || l.includes('\n') ? reindent(l, cx.unit) : l}`));
  return replace(cx, stmt.startIndex, stmt.endIndex, ['{', ...body, `${ind}}`].join('\n'));
}

/**
 * The pfn the flagged page was made from (sink.pfnText): `text` as the user wrote it (from the pfn_to_page()
 * call), `key` as the engine keys pins on it (whitespace dropped), the latter only when it is still valid C.
 */
function pfnOf(cx: Cx, sink: Sink): { text: string; key?: string } | undefined {
  const key = sink.pfnText;
  if (!key) return undefined;
  const alt = sink.alts.find((a) => a.pfnKey === key);
  const call = alt && nodeAt(cx.root!, alt.origin.loc, ['call_expression']);
  const arg = call && callArgs(call)[0];
  const text = arg ? textOf(cx, arg) : key;
  if (text.replace(/\s+/g, '') !== key) return { text };
  return { text, key: /\w\s+\w/.test(text) ? undefined : key };
}

function flagName(api: string): string {
  if (/device_private/.test(api)) return 'device_private';
  if (/coherent/.test(api)) return 'device_coherent';
  if (/p2pdma/.test(api)) return 'p2pdma';
  if (/fsdax/.test(api)) return 'fsdax';
  return 'zone_device';
}

/** A return/goto anywhere, or a break/continue that is not inside a loop of its own. */
function leaves(stmt: Node, isLoop: boolean): boolean {
  const stack: Array<{ n: Node; inLoop: boolean }> = [{ n: stmt, inLoop: isLoop }];
  for (let guard = 0; stack.length && guard < 100000; guard++) {
    const { n, inLoop } = stack.pop()!;
    if (n.type === 'return_statement' || n.type === 'goto_statement') return true;
    if ((n.type === 'break_statement' || n.type === 'continue_statement') && !inLoop) return true;
    const loopHere = inLoop || ['while_statement', 'for_statement', 'do_statement', 'switch_statement'].includes(n.type);
    for (const c of n.namedChildren) if (c) stack.push({ n: c, inLoop: loopHere });
  }
  return false;
}

// ------------------------------------------------------------------------------------------------ PC002

/**
 * On an HMM path the page is device-private or ordinary: test exactly that, whose lifetime its driver owns. Only
 * before the per-page pgmap reference (the seed's model): since it (sink.refPinsPgmap) the predicate is no remedy —
 * it dereferences page->pgmap like the others, so the rewrite would leave the same finding.
 */
function devicePrivate(cx: Cx, sink: Sink): Fix | undefined {
  const to = cx.contracts.find(sink.api, 'zone-device-test')?.privateTwin;
  if (!to || sink.refPinsPgmap) return undefined;
  const call = nodeAt(cx.root!, sink.loc, ['call_expression']);
  const callee = call?.childForFieldName('function');
  const stmt = call && statementOf(call);
  if (!call || !callee || !stmt || calleeName(call, cx.text) !== sink.api) return undefined;
  const row = stmt.startPosition.row;
  const ind = indentOf(cx.text, row);
  const note = `${ind}/* device-private page (HMM): its driver manages the page's lifetime, no pgmap pin is needed */\n`;
  return {
    title: `Test ${to}(${sink.argText ?? 'page'}) instead (device-private pages: driver-managed lifetime)`,
    edits: [
      insertAt(cx, lineStart(cx.text, row), note),
      replace(cx, callee.startIndex, callee.endIndex, to),
    ],
  };
}

// ------------------------------------------------------------------------------------------------ PC003 / PC004

/**
 * The pfn_valid() guard and the pfn_to_page() call of the flagged page, in this function, and the API that does
 * both at once (the conversion's pfnTwin: pfn_to_online_page()). None for a conversion without a twin.
 */
function guardedOrigin(cx: Cx, sink: Sink): { guard?: Node; origin: Node; twin: string } | undefined {
  // A page made here of a caller's pfn behind the guard (Alt.fromPfn) keeps its conversion in `made`.
  const alt = sink.alts.find((a) => (a.state === 'RAW' || a.fromPfn) && a.guard) ?? sink.alts.find((a) => a.state === 'RAW');
  if (!alt) return undefined;
  const origin = nodeAt(cx.root!, (alt.made ?? alt.origin).loc, ['call_expression']);
  const twin = origin && cx.contracts.find(calleeName(origin, cx.text) ?? '', 'returns-raw')?.pfnTwin;
  if (!origin || !twin) return undefined;
  const guard = alt.guard ? nodeAt(cx.root!, alt.guard, ['call_expression']) : undefined;
  if (alt.guard && (!guard || !cx.contracts.find(calleeName(guard, cx.text) ?? '', 'pfn-valid'))) return undefined;
  return { guard, origin, twin };
}

/**
 * PC003: `if (!pfn_valid(pfn)) return …; page = pfn_to_page(pfn);` → `page = pfn_to_online_page(pfn);
 * if (!page) return …;`. Other shapes: both calls become pfn_to_online_page(), which is NULL exactly where the
 * memmap must not be read.
 */
function onlineGuard(cx: Cx, sink: Sink): Fix | undefined {
  const g = guardedOrigin(cx, sink);
  if (!g?.guard) return undefined;
  const { guard, origin, twin } = g;
  const pfn = textOf(cx, callArgs(origin)[0]);
  const title = `Use ${twin}(${pfn}) instead of ${calleeName(guard, cx.text)}() + ${calleeName(origin, cx.text)}()`;
  const merged = mergeGuard(cx, guard, origin, pfn, twin);
  if (merged) return { title, edits: [merged] };
  const rename = (call: Node) => {
    const callee = call.childForFieldName('function')!;
    return replace(cx, callee.startIndex, callee.endIndex, twin);
  };
  return { title, edits: [rename(guard), rename(origin)] };
}

/** `if (!pfn_valid(P)) <jump>` directly followed by `v = pfn_to_page(P);` / `T *v = pfn_to_page(P);`. */
function mergeGuard(cx: Cx, guard: Node, origin: Node, pfn: string, twin: string): TextEdit | undefined {
  const not = guard.parent;
  if (!not || not.type !== 'unary_expression') return undefined;
  const ifs = not.parent && (not.parent.type === 'parenthesized_expression' || not.parent.type === 'condition_clause') ? not.parent.parent : undefined;
  if (!ifs || ifs.type !== 'if_statement' || ifs.childForFieldName('alternative')) return undefined;
  if (unwrap(ifs.childForFieldName('condition')!).id !== not.id) return undefined;
  const then = ifs.childForFieldName('consequence');
  if (!then || !(isJump(then) || (then.type === 'compound_statement' && then.namedChildren.length === 1 && isJump(then.namedChildren[0]!)))) return undefined;
  const next = nextStatement(ifs);
  if (!next) return undefined;
  let head: string | undefined;
  let varName: string | undefined;
  if (next.type === 'expression_statement') {
    const asg = next.namedChild(0);
    const left = asg?.childForFieldName('left');
    const right = asg?.childForFieldName('right');
    if (asg?.type !== 'assignment_expression' || !left || left.type !== 'identifier' || !right || unwrap(right).id !== origin.id) return undefined;
    varName = textOf(cx, left);
    head = `${varName} = ${twin}(${pfn});`;
  } else if (next.type === 'declaration') {
    const decls = next.childrenForFieldName('declarator');
    const init = decls.length === 1 ? decls[0] : null;
    const value = init?.type === 'init_declarator' ? init.childForFieldName('value') : null;
    if (!init || !value || unwrap(value).id !== origin.id) return undefined;
    const nameNode = init.childForFieldName('declarator');
    const ident = nameNode?.type === 'pointer_declarator' ? nameNode.childForFieldName('declarator') : nameNode;
    if (!ident || ident.type !== 'identifier') return undefined;
    varName = textOf(cx, ident);
    head = cx.text.slice(next.startIndex, origin.startIndex) + `${twin}(${pfn})` + cx.text.slice(origin.endIndex, next.endIndex);
  }
  if (!head || !varName) return undefined;
  const ind = indentOf(cx.text, ifs.startPosition.row);
  const body = textOf(cx, then);
  const lines = then.type === 'compound_statement' ? [head, `if (!${varName}) ${body}`] : [head, `if (!${varName})`, `${cx.unit}${body}`];
  const rows = new Map([[next.endPosition.row, 0], [ifs.startPosition.row, 1], [then.endPosition.row, lines.length - 1]]);
  return replace(cx, ifs.startIndex, next.endIndex, joinLines(keepComments(cx, ifs, next, rows, lines), ind));
}

/**
 * PC004, the shape from AUDIT.md: `if (pfn_valid(pfn)) return PageReserved(pfn_to_page(pfn)); return true;` →
 * `page = pfn_to_online_page(pfn); if (!page) return true; return PageReserved(page);`. Any other
 * `return …PageReserved(…)…;` gets the same lines in a block of its own.
 */
function reservedShape(cx: Cx, sink: Sink): Fix | undefined {
  const g = guardedOrigin(cx, sink);
  const call = nodeAt(cx.root!, sink.loc, ['call_expression']);
  const ret = call && statementOf(call);
  const fn = ret && functionOf(ret);
  if (!g || !call || !ret || !fn || ret.type !== 'return_statement') return undefined;
  const { guard, origin, twin } = g;
  const pfn = textOf(cx, callArgs(origin)[0]);
  const fnText = textOf(cx, fn);
  const arg = callArgs(call)[0];
  if (!arg) return undefined;
  // The page: the pfn_to_page() call itself, or a variable that holds it.
  const argIsOrigin = unwrap(arg).id === origin.id;
  const argIsVar = unwrap(arg).type === 'identifier';
  if (!argIsOrigin && !argIsVar) return undefined;
  const page = argIsVar ? textOf(cx, unwrap(arg)) : uniqueName(fnText, 'page');
  const retExpr = cx.text.slice(ret.startIndex, arg.startIndex) + page + cx.text.slice(arg.endIndex, ret.endIndex);
  const title = `Decide on ${twin}(${pfn}): not online means not ordinary RAM`;
  const u = cx.unit;

  // `if (pfn_valid(pfn)) return PageReserved(…); return true;`
  const block = ret.parent?.type === 'compound_statement' && ret.parent.namedChildren.filter((c) => c && c.type !== 'comment').length === 1 ? ret.parent : undefined;
  const ifs = (block ?? ret).parent;
  if (argIsOrigin && guard && ifs?.type === 'if_statement' && !ifs.childForFieldName('alternative') && unwrap(ifs.childForFieldName('condition')!).id === guard.id) {
    const next = nextStatement(ifs);
    const tail = next?.type === 'return_statement' && /^return\s*\(?\s*(true|1)\s*\)?\s*;$/.test(textOf(cx, next)) ? next : undefined;
    if (tail) {
      const ind = indentOf(cx.text, ifs.startPosition.row);
      const inBlock = !onlyDeclarationsBefore(ifs);
      const p = inBlock ? u : '';
      const lines = [...(inBlock ? ['{'] : []), `${p}struct page *${page} = ${twin}(${pfn});`, '',
        `${p}if (!${page})`, `${p}${u}return true;`, `${p}${retExpr}`, ...(inBlock ? ['}'] : [])];
      const at = inBlock ? 1 : 0;
      const rows = new Map([[ifs.startPosition.row, at + 2], [tail.endPosition.row, at + 3], [ret.endPosition.row, at + 4]]);
      const text = joinLines(keepComments(cx, ifs, tail, rows, lines), ind);
      // Right after the other declarations, not after the blank line that ends them.
      let prev = ifs.previousNamedSibling;
      while (prev && prev.type === 'comment') prev = prev.previousNamedSibling;
      if (!inBlock && prev?.type === 'declaration') return { title, edits: [replace(cx, prev.endIndex, tail.endIndex, `\n${ind}${text}`)] };
      return { title, edits: [replace(cx, ifs.startIndex, tail.endIndex, text)] };
    }
  }
  if (!argIsOrigin) return undefined;
  const ind = indentOf(cx.text, ret.startPosition.row);
  const lines = ['{', `${u}struct page *${page} = ${twin}(${pfn});`, '', `${u}if (!${page})`, `${u}${u}return true;`, `${u}${retExpr}`, '}'];
  return { title, edits: [replace(cx, ret.startIndex, ret.endIndex, joinLines(lines, ind))] };
}

/**
 * Comments inside a replaced range [from, to] are kept: one that ended a line of the old code ends the new line
 * that stands for it (`rows`: old row → index in `lines`), the others go on lines of their own before the code.
 */
function keepComments(cx: Cx, from: Node, to: Node, rows: Map<number, number>, lines: string[]): string[] {
  const out = lines.slice();
  const before: string[] = [];
  const stack: Node[] = [from];
  for (let n = from.nextNamedSibling; n && n.startIndex <= to.startIndex; n = n.nextNamedSibling) stack.push(n);
  const comments: Node[] = [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'comment') comments.push(n);
    else for (const c of n.namedChildren) if (c) stack.push(c);
  }
  comments.sort((a, b) => a.startIndex - b.startIndex);
  for (const cm of comments) {
    const text = textOf(cx, cm);
    const row = cm.startPosition.row;
    const lineIdx = rows.get(row);
    const lineHead = cx.text.slice(lineStart(cx.text, row), cm.startIndex);
    if (lineIdx !== undefined && lineHead.trim()) out[lineIdx] += `${/\s*$/.exec(lineHead)![0] || ' '}${text}`;
    else before.push(text);
  }
  return [...before, ...out];
}

/** Lines joined at an indentation; empty lines stay empty. */
function joinLines(lines: string[], ind: string): string {
  return lines.map((l, i) => (i === 0 || !l ? l : ind + l)).join('\n');
}

// ------------------------------------------------------------------------------------------------ every finding

const TODO = SUPPRESSION_REASON_PLACEHOLDER;

/** `/* pagecheck: ignore PC00N -- TODO: why this is safe *\/` on the line above, with its indentation. */
function suppress(cx: Cx, f: Finding): Fix {
  const row = f.loc.line;
  const title = `Suppress ${f.rule} here (with a reason to fill in)`;
  // The line above already has a suppression comment: complete it (its code, a reason), or it would stop
  // covering its own line.
  if (row > 0) {
    const above = lineText(cx.text, row - 1);
    const m = /(pagecheck:\s*ignore\b)((?:\s+PC\d{3})*)(.*)$/.exec(above);
    if (m && !/--/.test(m[3])) {
      // Without a reason it suppresses nothing: give it one (a TODO), and this code.
      const codes: string[] = m[2].match(/PC\d{3}/g) ?? [];
      const add = `${codes.length && !codes.includes(f.rule) ? ` ${f.rule}` : ''} -- ${TODO}`;
      return { title, edits: [insertAt(cx, lineStart(cx.text, row - 1) + m.index + m[1].length + m[2].length, add)] };
    }
    if (m) {
      // A reasoned suppression of something else: a comment of our own, on the same line.
      return { title, edits: [insertAt(cx, lineStart(cx.text, row - 1) + above.length, ` /* pagecheck: ignore ${f.rule} -- ${TODO} */`)] };
    }
  }
  const ind = indentOf(cx.text, row);
  const continued = row > 0 && /\\\s*$/.test(lineText(cx.text, row - 1));
  const comment = `${ind}/* pagecheck: ignore ${f.rule} -- ${TODO} */${continued ? ' \\' : ''}\n`;
  return { title, edits: [insertAt(cx, lineStart(cx.text, row), comment)] };
}

/** PC000: the suppression comment has no reason: give it one to fill in. */
function addReason(cx: Cx, f: Finding): Fix {
  const start = lineStart(cx.text, f.loc.line) + f.loc.col;
  const end = lineStart(cx.text, f.loc.endLine) + f.loc.endCol;
  const comment = cx.text.slice(start, end);
  const title = 'Give the suppression a reason';
  const dash = comment.indexOf('--');
  if (dash >= 0) return { title, edits: [insertAt(cx, start + dash + 2, ` ${TODO}`)] };
  const close = comment.lastIndexOf('*/');
  if (close < 0) return { title, edits: [insertAt(cx, end, ` -- ${TODO}`)] };
  const spaced = /\s$/.test(comment.slice(0, close));
  return { title, edits: [insertAt(cx, start + close, `${spaced ? '' : ' '}-- ${TODO} `)] };
}

// ------------------------------------------------------------------------------------------------ text helpers

function replace(cx: Cx, start: number, end: number, newText: string): TextEdit {
  return { range: { start: cx.doc.positionAt(start), end: cx.doc.positionAt(end) }, newText };
}

function insertAt(cx: Cx, at: number, newText: string): TextEdit {
  const p = cx.doc.positionAt(at);
  return { range: { start: p, end: p }, newText };
}

function textOf(cx: Cx, n: Node | undefined): string {
  return n ? cx.text.slice(n.startIndex, n.endIndex) : '';
}

function within(n: Node, outer: Node): boolean {
  return n.startIndex >= outer.startIndex && n.endIndex <= outer.endIndex;
}

function lineStart(text: string, row: number): number {
  let at = 0;
  for (let i = 0; i < row; i++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return at;
}

function lineText(text: string, row: number): string {
  const s = lineStart(text, row);
  const e = text.indexOf('\n', s);
  return text.slice(s, e < 0 ? text.length : e).replace(/\r$/, '');
}

function indentOf(text: string, row: number): string {
  return /^[ \t]*/.exec(lineText(text, row))![0];
}

/** A tab in kernel code; otherwise the smallest space indentation the file uses. */
function indentUnit(text: string): string {
  let tabs = 0;
  let spaces = Infinity;
  for (const m of text.matchAll(/^([ \t]+)\S/gm)) {
    if (m[1].startsWith('\t')) tabs++;
    else if (m[1].length >= 2) spaces = Math.min(spaces, m[1].length);
    if (tabs > 3) break;
  }
  return tabs > 0 || spaces === Infinity ? '\t' : ' '.repeat(spaces);
}

function reindent(s: string, add: string): string {
  return s.split('\n').map((l, i) => (i === 0 || !l.trim() ? l : add + l)).join('\n');
}

function uniqueName(fnText: string, base: string): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}_${i + 1}`;
    if (!new RegExp(`\\b${name}\\b`).test(fnText)) return name;
  }
}
