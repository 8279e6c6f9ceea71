// Turns one parsed file into FileFacts: a summary per function (via the provenance walk), ops tables at file
// scope, suppression comments, and the functions the parser mangled. After this the tree can be deleted.
import { createHash } from 'node:crypto';
import type { Node, Tree } from 'web-tree-sitter';
import { ContractTable } from './contracts';
import { FieldRef, FileFacts, FnSummary, Loc, ParamInfo, ParamKind } from './model';
import { BudgetExceeded, ProvenanceWalker, WalkOptions } from './walk/walker';
import { classifyType } from './walk/types';
import type { FileMacro } from './walk/macros';
import { declaredListType, ListType, literalListType, pairListType, pairStruct, structTag } from './walk/receiver';
import { declaratorName, functionDeclarator, nodeLoc, pointerDepth, textOf } from '../syntax/nodes';
import { findSuppressions } from './suppress';

export interface FactsOptions extends WalkOptions {
  /** Summaries from a previous run, by function-text hash (relative locations): reused when the text is unchanged. */
  cache?: Map<string, FnSummary>;
  /** Total budget for the file, in ms: functions past it are reported "not analyzed: budget exceeded". */
  fileBudgetMs?: number;
  /**
   * Summarise only the definitions this accepts (by name and [start, end) offsets in the text); the others are
   * left out of `functions`. The demand-driven audit (engine/demand/plan.ts) asks only for the functions it needs.
   */
  select?: (name: string, start: number, end: number) => boolean;
}

/** The name of a function_definition node, as its summary will carry it. */
function definitionName(def: Node, text: string): string {
  const fdecl = functionDeclarator(def.childForFieldName('declarator'));
  const nameNode = fdecl ? declaratorName(fdecl.childForFieldName('declarator')) : null;
  return nameNode ? textOf(text, nameNode) : '<anonymous>';
}

export function hashText(s: string): string {
  return createHash('sha1').update(s).digest('base64').slice(0, 22);
}

export function factsFromTree(tree: Tree, file: string, text: string, contracts: ContractTable, opts: FactsOptions = {}): FileFacts {
  const facts: FileFacts = {
    file, hash: hashText(text), functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0,
    lines: countLines(text), suppressions: findSuppressions(file, text),
  };
  const fileDeadline = Date.now() + (opts.fileBudgetMs ?? 20000);
  const root = tree.rootNode;
  const todo: Node[] = [root];
  const defs: Node[] = [];
  /** `tag.field` of the structs this file defines whose field is a page pointer (`struct ksm_next_page_arg.page`). */
  const pageFields = new Set<string>();
  /** The file's function-like macros whose bodies are calls of contract APIs (walk/macros.ts). */
  const macros = new Map<string, FileMacro>();
  /** The file's own iterator macros (`for_each_mapped_pfn`): a pfn they set is one the file recorded (walk/pins.ts). */
  const iterators = new Set<string>();
  // Iterative walk over file-scope items (functions live at the top or inside #if blocks / extern "C").
  while (todo.length) {
    const n = todo.pop()!;
    // One call for all children: namedChild(i) walks from the first child, so indexing an ERROR node with
    // 100,000 children (`x = container_of(a, ` × 50,000) one by one is quadratic — minutes for one file.
    const kids = n.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const c = kids[i];
      if (!c) continue;
      switch (c.type) {
        case 'function_definition':
          defs.push(c);
          break;
        case 'declaration':
          collectFieldRefs(c, text, facts.fieldRefs);
          collectPageFields(c, text, contracts, pageFields);
          break;
        case 'struct_specifier':
          collectPageFields(c, text, contracts, pageFields);
          break;
        case 'preproc_function_def':
          collectMacro(c, text, contracts, macros);
          collectIterator(c, text, iterators);
          break;
        case 'ERROR':
          facts.parseErrors++;
          recoverMangled(c, text, facts);
          todo.push(c);
          break;
        case 'preproc_if': case 'preproc_ifdef': case 'preproc_else': case 'preproc_elif': case 'preproc_elifdef':
        case 'linkage_specification': case 'declaration_list':
          todo.push(c);
          break;
        default:
          break;
      }
    }
  }
  // Ops tables first: a function assigned to `.map_page` gets that field's contract on its parameters.
  const fieldsOf = new Map<string, string[]>();
  for (const r of facts.fieldRefs) fieldsOf.set(r.fn, [...(fieldsOf.get(r.fn) ?? []), r.field]);
  for (const d of defs.reverse()) {
    if (opts.select && !opts.select(definitionName(d, text), d.startIndex, d.endIndex)) continue;
    facts.functions.push(functionFacts(d, file, text, contracts, opts, fileDeadline, fieldsOf, { pageFields, macros, iterators }));
  }
  facts.parseErrors = countErrors(root);
  facts.fieldRefs = detach(facts.fieldRefs);
  facts.notAnalyzed = detach(facts.notAnalyzed);
  facts.suppressions = detach(facts.suppressions);
  return facts;
}

function functionFacts(def: Node, file: string, text: string, contracts: ContractTable, opts: FactsOptions, fileDeadline: number, fieldsOf: Map<string, string[]>, cx: { pageFields: ReadonlySet<string>; macros: ReadonlyMap<string, FileMacro>; iterators: ReadonlySet<string> }): FnSummary {
  const { pageFields } = cx;
  const declarator = def.childForFieldName('declarator');
  const fdecl = functionDeclarator(declarator);
  const nameNode = fdecl ? declaratorName(fdecl.childForFieldName('declarator')) : null;
  const name = nameNode ? textOf(text, nameNode) : '<anonymous>';
  const loc = nodeLoc(file, def);
  const fnText = textOf(text, def);
  // A summary also depends on the page fields of the file's structs it may read or store.
  // …and on the file's macros it uses.
  const fields = [...pageFields].filter((f) => fnText.includes(f.slice(0, f.indexOf('.')))).sort();
  const macros = new Map([...cx.macros].filter(([m]) => new RegExp(`\\b${m}\\s*\\(`).test(fnText)));
  const context = [...fields, ...[...macros].map(([m, d]) => `${m}(${d.params.join(',')}) ${d.body}`), ...[...cx.iterators].filter((m) => fnText.includes(m)).map((m) => `#${m}`)];
  const hash = hashText(context.length ? `${fnText}\0${context.join('\0')}` : fnText);
  const cached = opts.cache?.get(hash);
  if (cached && cached.name === name && !!cached.uses === !!opts.collectUses) return rebase(cached, file, loc);

  const { params, nodes, exact } = parameters(fdecl, text, contracts, pageFields);
  const storage = def.namedChildren.filter((c) => c && c.type === 'storage_class_specifier').map((c) => textOf(text, c!));
  const summary: FnSummary = {
    name, file, loc, isStatic: storage.includes('static'), hash, params,
    sinks: [], calls: [], fieldRefs: [], returns: [],
  };
  if (!exact) summary.anyArity = true;
  // `static void __init f(…)`: boot-time only. prepare.ts blanks the annotation for the parser; the text keeps it.
  if (/\b__init\b/.test(text.slice(def.startIndex, (nameNode ?? def).startIndex))) summary.init = true;
  const body = def.childForFieldName('body');
  if (!body) { summary.notAnalyzed = 'no body'; return remember(summary, opts); }
  if (def.hasError) {
    const hidden = hiddenByError(def, text, contracts);
    if (hidden) { summary.notAnalyzed = hidden; return remember(summary, opts); }
  }
  if (Date.now() > fileDeadline) { summary.notAnalyzed = 'not analyzed: file budget exceeded'; return detach(summary); }
  const walker = new ProvenanceWalker(text, file, name, params, nodes, contracts, opts, fieldsOf.get(name) ?? [], { pageFields: new Set(fields), macros, iterators: new Set([...cx.iterators].filter((m) => fnText.includes(m))) });
  try {
    Object.assign(summary, walker.run(body));
    if (walker.truncated) summary.notAnalyzed = `not analyzed: nesting deeper than ${opts.maxDepth ?? 400} levels`;
  } catch (e) {
    summary.sinks = []; summary.calls = []; summary.returns = [];
    summary.notAnalyzed = e instanceof BudgetExceeded ? 'not analyzed: budget exceeded' : `not analyzed: ${(e as Error).message}`;
    return detach(summary); // not cached: a budget cut-off may pass on a quieter machine
  }
  return remember(summary, opts);
}

function remember(summary: FnSummary, opts: FactsOptions): FnSummary {
  const s = detach(summary);
  if (opts.cache) opts.cache.set(s.hash, s);
  return s;
}

/**
 * A deep copy with fresh strings. Names and texts cut from the file (`textOf`) are V8 sliced strings that keep the
 * whole file text alive: a cached summary would pin the text of the version it was computed from, so an editing
 * session piled up old versions of the buffer (memory.c: +20 MB per 1,000 edits) and the workspace index kept every
 * indexed file's text. Summaries are plain data; a structured clone stores their own characters.
 */
function detach<T>(v: T): T {
  return structuredClone(v);
}

function parameters(fdecl: Node | null, text: string, contracts: ContractTable, pageFields: ReadonlySet<string> = new Set()): { params: ParamInfo[]; nodes: Array<Node | null>; exact: boolean } {
  const params: ParamInfo[] = [];
  const nodes: Array<Node | null> = [];
  const list = fdecl?.childForFieldName('parameters');
  if (!list) return { params, nodes, exact: false };
  // Exact: every item is a declaration the parser read (no `...`, no K&R names, no ERROR).
  let exact = !list.hasError;
  for (const p of list.namedChildren) {
    if (p && p.type !== 'parameter_declaration' && p.type !== 'comment') exact = false;
    if (!p || p.type !== 'parameter_declaration') continue;
    const d = p.childForFieldName('declarator');
    const nameNode = declaratorName(d);
    const typeNode = p.childForFieldName('type');
    const typeText = typeNode ? textOf(text, typeNode) : '';
    if (!nameNode && /^\s*void\s*$/.test(typeText)) continue;
    const t = classifyType(contracts, typeText, pointerDepth(d));
    let kind: ParamKind = t.kind;
    if (t.kind === 'other' && pointerDepth(d) === 0 && /\b(long|int|u64|u32|phys_addr_t|pfn_t|resource_size_t|size_t)\b/.test(typeText)) kind = 'int';
    else if (t.kind === 'other' && pointerDepth(d) > 0 && /^\s*struct\s+[A-Za-z_]\w*\s*$/.test(typeText)) kind = 'object';
    const param: ParamInfo = { name: nameNode ? textOf(text, nameNode) : `arg${params.length}`, kind };
    if (t.tag) param.tag = t.tag;
    if (kind === 'other' && t.typeName) param.type = t.typeName;
    if (t.struct && [...pageFields].some((f) => f.startsWith(`${t.struct}.`))) param.struct = t.struct;
    params.push(param);
    nodes.push(nameNode ?? p);
  }
  return { params, nodes, exact };
}

/** A parse error only disqualifies a function when the mangled text mentions an API the audit cares about. */
function hiddenByError(def: Node, text: string, contracts: ContractTable): string | undefined {
  const stack: Node[] = [def];
  let visited = 0;
  while (stack.length && visited++ < 200000) {
    const n = stack.pop()!;
    if (!n.hasError && !n.isMissing) continue;
    if (n.type === 'ERROR') {
      const t = textOf(text, n);
      for (const m of t.matchAll(/[A-Za-z_]\w*/g)) {
        if (contracts.matters(m[0])) return `not analyzed: parse error at line ${n.startPosition.row + 1} hides ${m[0]}()`;
      }
    }
    for (const c of n.children) if (c) stack.push(c);
  }
  return undefined;
}

/**
 * `static const struct vm_operations_struct ops = { .fault = f }`: function pointers registered at file scope, with
 * the struct type of the table when the declaration says it (an array of them, a compound literal `(struct T){…}`);
 * a nested member's list or a typedef'd table is of unknown type (walk/receiver.ts).
 */
function collectFieldRefs(decl: Node, text: string, out: FieldRef[]): void {
  const tag = structTag(decl.childForFieldName('type'), text);
  const stack: Array<[Node, ListType]> = [];
  for (const d of decl.namedChildren) {
    if (!d) continue;
    const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
    if (value?.type === 'initializer_list') stack.push([value, declaredListType(d.childForFieldName('declarator'), tag)]);
    else stack.push([d, {}]);
  }
  let guard = 0;
  while (stack.length && guard++ < 100000) {
    const [n, lt] = stack.pop()!;
    if (n.type === 'initializer_list') {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'initializer_pair') {
          const designator = c.childForFieldName('designator') ?? c.namedChild(0);
          const value = c.childForFieldName('value') ?? c.namedChild(c.namedChildCount - 1);
          if (designator && value && value.type === 'identifier') {
            const type = pairStruct(c, lt);
            const field = textOf(text, designator).replace(/^\./, '');
            out.push(type ? { field, fn: textOf(text, value), type } : { field, fn: textOf(text, value) });
          } else if (value?.type === 'initializer_list') stack.push([value, pairListType(c, lt)]);
          else for (const x of c.namedChildren) if (x) stack.push([x, {}]);
        } else if (c.type === 'initializer_list') stack.push([c, { self: lt.elem }]);
        else stack.push([c, {}]);
      }
      continue;
    }
    if (n.type === 'compound_literal_expression') {
      const value = n.childForFieldName('value');
      if (value) stack.push([value, literalListType(n.childForFieldName('type'), text)]);
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push([c, {}]);
  }
}

/** `#define for_each_x(…)`: an iterator macro of the file (the shape prepare.ts rewrites into a loop). */
function collectIterator(n: Node, text: string, out: Set<string>): void {
  const name = n.childForFieldName('name');
  const t = name ? textOf(text, name) : '';
  if (/(^|_)for_?each(_|$)|_for_?each/.test(t)) out.add(t);
}

/** `#define m(p, …) body`: kept when the body mentions a contract API (walk/macros.ts decides whether it follows it). */
function collectMacro(n: Node, text: string, contracts: ContractTable, out: Map<string, FileMacro>): void {
  const name = n.childForFieldName('name');
  const params = n.childForFieldName('parameters');
  const value = n.childForFieldName('value');
  if (!name || !params || !value) return;
  const body = textOf(text, value).replace(/\\\n/g, ' ').trim();
  if (body.length > 400 || ![...body.matchAll(/[A-Za-z_]\w*/g)].some((m) => contracts.matters(m[0]))) return;
  const ps = params.namedChildren.filter((c) => c && c.type === 'identifier').map((c) => textOf(text, c!));
  out.set(textOf(text, name), { params: ps, body });
}

/** `struct T { struct page *page; … }` (at file scope, or in a declaration): records `T.page` in `out`. */
function collectPageFields(n: Node, text: string, contracts: ContractTable, out: Set<string>): void {
  const stack: Node[] = [n];
  for (let guard = 0; stack.length && guard < 10000; guard++) {
    const x = stack.pop()!;
    if (x.type === 'struct_specifier') {
      const name = x.childForFieldName('name');
      const body = x.childForFieldName('body');
      if (name && body) {
        for (const f of body.namedChildren) {
          if (!f || f.type !== 'field_declaration') continue;
          const type = f.childForFieldName('type');
          for (const d of f.childrenForFieldName('declarator')) {
            const id = d ? declaratorName(d) : null;
            if (id && type && classifyType(contracts, textOf(text, type), pointerDepth(d)).kind === 'page') out.add(`${textOf(text, name)}.${textOf(text, id)}`);
          }
        }
      }
    }
    for (const c of x.namedChildren) if (c && (c.type === 'struct_specifier' || c.type === 'field_declaration_list' || c.type === 'field_declaration' || c.type === 'declaration')) stack.push(c);
  }
}

/** A top-level ERROR that swallowed a function body: name it, so it is counted as not analysed. */
function recoverMangled(err: Node, text: string, facts: FileFacts): void {
  for (const c of err.namedChildren) {
    if (!c || c.type !== 'compound_statement') continue;
    const before = text.slice(Math.max(err.startIndex, c.startIndex - 400), c.startIndex);
    const m = /([A-Za-z_]\w*)\s*\([^;{}]*\)\s*$/.exec(before);
    if (m && !/^(if|while|for|switch|return|sizeof)$/.test(m[1])) {
      facts.notAnalyzed.push({ name: m[1], line: c.startPosition.row, reason: 'not analyzed: the parser could not recover this function' });
    }
  }
}

function countErrors(root: Node): number {
  if (!root.hasError) return 0;
  let count = 0;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'ERROR' || n.isMissing) { count++; continue; }
    if (!n.hasError) continue;
    for (const c of n.children) if (c) stack.push(c);
  }
  return count;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A cached summary moved to where its (identical) text now stands. */
export function rebase(s: FnSummary, file: string, loc: Loc): FnSummary {
  const dLine = loc.line - s.loc.line;
  if (dLine === 0 && file === s.file) return s;
  const seen = new Map<object, unknown>();
  const map = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(map);
    if (v && typeof v === 'object') {
      if (seen.has(v)) return seen.get(v);
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      seen.set(v, out);
      for (const k of Object.keys(o)) out[k] = map(o[k]);
      if (typeof o.line === 'number' && typeof o.endLine === 'number' && o.file === s.file) {
        out.line = (o.line as number) + dLine;
        out.endLine = (o.endLine as number) + dLine;
        out.file = file;
      }
      return out;
    }
    return v;
  };
  const out = map(s) as FnSummary;
  if (out.uses) out.uses = s.uses!.map(([l, c, e, k, a]) => [l + dLine, c, e, k, map(a) as typeof a]);
  return out;
}
