// The provenance walk: one function body, flow-sensitive over the AUDIT.md lattice, driven by the contract table.
// Output is plain data (sinks with every value the page may hold there, call sites with their arguments' values,
// returned values) — the interprocedural stage (resolve.ts) decides PARAM and RET values later.
//
// Architecture Invariant: this module decides nothing by a function's name except through the ContractTable.
import type { Node } from 'web-tree-sitter';
import { ContractEntry, ContractTable, argOf, Effect } from './contracts';
import { Env, join, joinAll, unionAlts } from './env';
import { Alt, CallSite, FnSummary, Loc, ParamInfo, Pin, Sink, State, Step } from './model';
import { nodeLoc, textOf, declaratorName, pointerDepth } from '../syntax/nodes';

export class BudgetExceeded extends Error {}

export interface WalkOptions {
  /** Record page-valued identifier uses for hover (the editor wants it for open files only). */
  collectUses?: boolean;
  /** Wall-clock budget for this function, in ms. */
  budgetMs?: number;
  /** Deepest expression/statement nesting followed; deeper code is cut off and reported. */
  maxDepth?: number;
}

type PageType = 'page' | 'folio' | 'pages' | 'pgmap' | 'other';

const SAFE_DEFINITION_STATE: Partial<Record<Effect, State>> = {
  'consumes-ref': 'PUT',
  'caller-holds-ref': 'REF',
  // The API references the pages in `arg` (gup's pages[]: an output array, filled before any use inside; get_page()'s
  // caller already holds one): its callers' values are never asked for.
  'takes-ref': 'REF',
  'driver-managed': 'DRIVER',
  'zone-device-test': 'PREDICATE',
};

/** Walks one function_definition node. Never throws except BudgetExceeded (caught by the caller). */
export class ProvenanceWalker {
  private readonly env0 = new Env();
  private readonly types = new Map<string, PageType>();
  private readonly sinks = new Map<string, Sink>();
  /** Call sites by position (loops walk a body twice: the second visit merges into the first), with their index. */
  private readonly calls = new Map<string, { site: CallSite; index: number }>();
  private readonly callOrder: CallSite[] = [];
  private readonly returns: Alt[] = [];
  private readonly fieldRefs: Array<{ field: string; fn: string }> = [];
  /** Local struct variables that carry function pointers (`struct rmap_walk_control rwc = {.rmap_one = f}`). */
  private readonly localCallbacks = new Map<string, string[]>();
  private readonly labels = new Map<string, Env[]>();
  private readonly breaks: Array<Array<Env | null>> = [];
  private readonly continues: Array<Array<Env | null>> = [];
  private readonly uses = new Map<string, [number, number, number, string, Alt[]]>();
  private readonly pgmapParams = new Map<string, number>();
  /** `cookie = dax_lock_page(page)`: cookie variable → the locked page (a NULL cookie means no lock). */
  private readonly cookieOf = new Map<string, string>();
  /** `p = pfn_to_online_page(pfn)`: p's variable → the pfn (non-NULL p means the pfn is online). */
  private readonly onlineOf = new Map<string, { pfnKey: string; pin: Pin }>();
  private readonly paramIndex = new Map<string, number>();
  private depth = 0;
  private steps = 0;
  private readonly deadline: number;
  private readonly maxDepth: number;
  truncated = false;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly fnName: string,
    private readonly params: ParamInfo[],
    private readonly paramNodes: Array<Node | null>,
    private readonly contracts: ContractTable,
    private readonly opts: WalkOptions = {},
    /** Ops-table fields this function is assigned to in its file (`.map_page = f`). */
    opsFields: string[] = [],
  ) {
    this.deadline = Date.now() + (opts.budgetMs ?? 2000);
    this.maxDepth = opts.maxDepth ?? 400;
    // A function that is itself a contract API gets its parameters' state from the contract (put paths,
    // predicates, DMA API entry points); every other parameter is PARAM, decided by the callers.
    const own = [...contracts.lookup(fnName), ...opsFields.flatMap((f) => contracts.lookup(`.${f}`))];
    params.forEach((p, i) => {
      this.paramIndex.set(p.name, i);
      if (p.kind === 'pgmap') this.pgmapParams.set(p.name, i);
      this.types.set(p.name, p.kind === 'int' || p.kind === 'object' ? 'other' : (p.kind as PageType));
      const loc = this.paramNodes[i] ? nodeLoc(file, this.paramNodes[i]!) : this.fnLoc();
      const contract = pickDefinitionContract(own, i);
      const devprivPath = own.find((e) => e.effect === 'devpriv-param' && argOf(e) === i);
      if (contract) {
        const state = SAFE_DEFINITION_STATE[contract.effect]!;
        const reason = devprivPath ? `${contract.reason}; ${devprivPath.reason}` : contract.reason;
        this.env0.vars.set(p.name, [{ state, devpriv: devprivPath ? true : undefined, origin: { loc, message: `parameter ${p.name} of ${fnName}(): ${reason}` } }]);
      } else if (devprivPath) {
        this.env0.vars.set(p.name, [{ state: 'UNKNOWN', devpriv: true, origin: { loc, message: `parameter ${p.name} of ${fnName}(): ${devprivPath.reason}` } }]);
      } else {
        this.env0.vars.set(p.name, [{ state: 'PARAM', param: i, origin: { loc, message: `parameter ${p.name} of ${fnName}()` } }]);
      }
    });
  }

  private fnLoc(): Loc { return { file: this.file, line: 0, col: 0, endLine: 0, endCol: 0 }; }

  run(body: Node): Pick<FnSummary, 'sinks' | 'calls' | 'returns' | 'fieldRefs' | 'uses'> {
    this.stmt(body, this.env0.clone());
    return {
      sinks: [...this.sinks.values()],
      calls: this.callOrder,
      returns: this.returns,
      fieldRefs: this.fieldRefs,
      uses: this.opts.collectUses ? [...this.uses.values()] : undefined,
    };
  }

  private tick(): void {
    if ((++this.steps & 255) === 0 && Date.now() > this.deadline) throw new BudgetExceeded('budget exceeded');
  }

  // ---------------------------------------------------------------- statements

  private stmt(n: Node, env: Env | null): Env | null {
    if (!env) {
      // Unreachable code can still hold a label that a goto jumps to.
      if (n.type === 'labeled_statement' || n.type === 'compound_statement' || n.type === 'case_statement') return this.stmtReachable(n, env);
      return null;
    }
    return this.stmtReachable(n, env);
  }

  private stmtReachable(n: Node, env: Env | null): Env | null {
    this.tick();
    if (++this.depth > this.maxDepth) { this.depth--; this.truncated = true; return env; }
    try {
      return this.stmtInner(n, env);
    } finally {
      this.depth--;
    }
  }

  private stmtInner(n: Node, env: Env | null): Env | null {
    switch (n.type) {
      case 'compound_statement':
      case 'translation_unit':
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_else':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'ERROR': {
        let cur = env;
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (isExpression(c.type)) { if (cur) this.expr(c, cur); } else cur = this.stmt(c, cur);
        }
        return cur;
      }
      case 'declaration':
        if (env) this.declaration(n, env);
        return env;
      case 'expression_statement': {
        const e = n.namedChild(0);
        if (e && env) this.expr(e, env);
        return env;
      }
      case 'if_statement': {
        if (!env) return null;
        const cond = n.childForFieldName('condition');
        const [t, f] = cond ? this.cond(cond, env) : [env, env.clone()];
        const thenEnv = this.stmt(n.childForFieldName('consequence')!, t);
        const alt = n.childForFieldName('alternative');
        const elseEnv = alt ? this.stmt(alt.type === 'else_clause' ? (alt.namedChild(0) ?? alt) : alt, f) : f;
        return join(thenEnv, elseEnv);
      }
      case 'else_clause': {
        const c = n.namedChild(0);
        return c ? this.stmt(c, env) : env;
      }
      case 'while_statement':
      case 'for_statement':
      case 'do_statement':
        return this.loop(n, env);
      case 'switch_statement':
        return this.switchStmt(n, env);
      case 'return_statement': {
        const e = n.namedChild(0);
        if (e && env) {
          const v = this.expr(e, env);
          if (v) for (const a of v) if (this.returns.length < 8) this.returns.push(a);
        }
        return null;
      }
      case 'goto_statement': {
        const label = n.childForFieldName('label');
        if (label && env) {
          const name = textOf(this.src, label);
          const list = this.labels.get(name) ?? [];
          list.push(env);
          this.labels.set(name, list);
        }
        return null;
      }
      case 'labeled_statement': {
        const label = n.childForFieldName('label');
        const name = label ? textOf(this.src, label) : '';
        const incoming = this.labels.get(name) ?? [];
        this.labels.delete(name);
        const merged = joinAll([env, ...incoming]);
        // `out: /* comment */ return …;`: the statement is the last named child, comments skipped.
        const inner = n.namedChildren.filter((c) => c && c.type !== 'statement_identifier' && c.type !== 'comment').pop();
        return inner ? this.stmt(inner, merged) : merged;
      }
      case 'break_statement':
        if (this.breaks.length) this.breaks[this.breaks.length - 1].push(env);
        return null;
      case 'continue_statement':
        if (this.continues.length) this.continues[this.continues.length - 1].push(env);
        return null;
      case 'case_statement': {
        let cur = env;
        for (const c of n.namedChildren) {
          if (!c || c === n.childForFieldName('value')) continue;
          cur = this.stmt(c, cur);
        }
        return cur;
      }
      case 'comment':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case 'type_definition':
      case 'function_definition':
        return env;
      default:
        if (env) for (const c of n.namedChildren) if (c && isExpression(c.type)) this.expr(c, env);
        return env;
    }
  }

  /** Loops run their body twice so values from the back edge reach the top; the exit joins every way out. */
  private loop(n: Node, env: Env | null): Env | null {
    if (!env) return null;
    const init = n.childForFieldName('initializer');
    if (init) { if (init.type === 'declaration') this.declaration(init, env); else this.expr(init, env); }
    const cond = n.childForFieldName('condition');
    const body = n.childForFieldName('body');
    const update = n.childForFieldName('update');
    const isDo = n.type === 'do_statement';
    let head: Env | null = env;
    let exits: Array<Env | null> = [];
    for (let pass = 0; pass < 2 && head; pass++) {
      this.breaks.push([]);
      this.continues.push([]);
      let bodyIn: Env | null = head;
      let condFalse: Env | null = null;
      if (!isDo && cond) { const [t, f] = this.cond(cond, head); bodyIn = t; condFalse = f; }
      let end = body ? this.stmt(body, bodyIn) : bodyIn;
      end = joinAll([end, ...this.continues.pop()!]);
      if (end && update) this.expr(update, end);
      if (isDo && cond && end) { const [t, f] = this.cond(cond, end); end = t; condFalse = f; }
      const brk = this.breaks.pop()!;
      exits = [condFalse, ...brk];
      if (!cond) exits.push(null); // for (;;): only breaks leave
      head = join(head, end);
    }
    return joinAll(exits);
  }

  private switchStmt(n: Node, env: Env | null): Env | null {
    if (!env) return null;
    const cond = n.childForFieldName('condition');
    if (cond) this.expr(cond, env);
    const body = n.childForFieldName('body');
    if (!body) return env;
    this.breaks.push([]);
    let fall: Env | null = null;
    let hasDefault = false;
    for (const c of body.namedChildren) {
      if (!c) continue;
      if (c.type === 'case_statement') {
        if (!c.childForFieldName('value')) hasDefault = true;
        fall = this.stmt(c, join(env, fall));
      } else {
        fall = this.stmt(c, fall);
      }
    }
    const brk = this.breaks.pop()!;
    return joinAll([fall, ...brk, hasDefault ? null : env]);
  }

  private declaration(n: Node, env: Env): void {
    const typeNode = n.childForFieldName('type');
    const typeText = typeNode ? textOf(this.src, typeNode) : '';
    for (const d of n.childrenForFieldName('declarator')) {
      if (!d) continue;
      const nameNode = declaratorName(this.src, d);
      if (!nameNode) continue;
      const name = textOf(this.src, nameNode);
      const decl = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      this.types.set(name, classifyType(typeText, pointerDepth(decl)));
      env.vars.delete(name);
      env.locked.delete(name);
      env.pins.delete(name);
      if (d.type !== 'init_declarator') continue;
      const value = d.childForFieldName('value');
      if (!value) continue;
      if (value.type === 'initializer_list') { this.initializerList(value, env, name); continue; }
      this.assignTo(name, value, env);
    }
  }

  /** `{ .rmap_one = f, .arg = x }`: records function pointers as callbacks of the local struct. */
  private initializerList(n: Node, env: Env, owner?: string): void {
    if (this.mentionsDevprivFlag(n)) {
      // `{ .page = page, .flags = PVMW_MIGRATION }`: the walked page may be device-private.
      for (const c of n.namedChildren) {
        if (!c || c.type !== 'initializer_pair') continue;
        const value = c.childForFieldName('value') ?? c.namedChild(c.namedChildCount - 1);
        const k = value ? this.key(value) : undefined;
        if (k && env.vars.has(k)) markDevpriv(env, k, this.devprivFlagStep(n));
      }
    }
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'initializer_pair') {
        const designator = c.childForFieldName('designator') ?? c.namedChild(0);
        const value = c.childForFieldName('value') ?? c.namedChild(c.namedChildCount - 1);
        if (value && value.type === 'identifier' && designator) {
          const field = textOf(this.src, designator).replace(/^\./, '');
          const fn = textOf(this.src, value);
          if (!env.vars.has(fn) && !this.types.has(fn)) {
            this.fieldRefs.push({ field, fn });
            if (owner) this.localCallbacks.set(owner, [...(this.localCallbacks.get(owner) ?? []), fn]);
          }
        } else if (value) {
          if (value.type === 'initializer_list') this.initializerList(value, env, owner);
          else this.expr(value, env);
        }
      } else if (c.type === 'initializer_list') {
        this.initializerList(c, env, owner);
      } else if (isExpression(c.type)) {
        this.expr(c, env);
      }
    }
  }

  private assignTo(key: string, value: Node, env: Env): void {
    const v = this.expr(value, env);
    const call = unwrap(value);
    if (call.type === 'call_expression') {
      const name = this.calleeName(call);
      const pgmapGet = name ? this.contracts.find(name, 'pgmap-get') : undefined;
      if (pgmapGet) {
        const arg = argNodes(call)[argOf(pgmapGet)];
        if (arg) env.pins.set(key, { pfnKey: this.key(arg) ?? normalize(textOf(this.src, arg)), pageKey: this.pageOfPfn(arg), pin: this.pin(name!, call) });
      }
      const onlineGet = name ? this.contracts.find(name, 'returns-online') : undefined;
      if (onlineGet?.pfnArg) {
        const arg = argNodes(call)[argOf(onlineGet)];
        if (arg) this.onlineOf.set(key, { pfnKey: this.key(arg) ?? normalize(textOf(this.src, arg)), pin: this.pin(name!, call) });
      }
      const daxLock = name ? this.contracts.find(name, 'dax-lock') : undefined;
      if (daxLock) {
        const arg = argNodes(call)[argOf(daxLock)];
        const pageKey = arg ? this.key(stripAddr(arg)) : undefined;
        if (pageKey) this.cookieOf.set(key, pageKey);
      }
    }
    if (v && v.length) env.vars.set(key, v); else env.vars.delete(key);
  }

  // ---------------------------------------------------------------- conditions

  /** Evaluates a condition once and returns the states where it is true and where it is false. */
  private cond(n: Node, env: Env): [Env | null, Env | null] {
    this.tick();
    if (++this.depth > this.maxDepth) { this.depth--; this.truncated = true; return [env, env.clone()]; }
    try {
      return this.condInner(n, env);
    } finally {
      this.depth--;
    }
  }

  private condInner(n: Node, env: Env): [Env | null, Env | null] {
    switch (n.type) {
      case 'parenthesized_expression':
      case 'condition_clause': {
        const inner = n.namedChildren.filter((c) => c && c.type !== 'comment').pop();
        return inner ? this.cond(inner, env) : [env, env.clone()];
      }
      case 'unary_expression': {
        const op = n.childForFieldName('operator');
        const arg = n.childForFieldName('argument');
        if (op && textOf(this.src, op) === '!' && arg) {
          const [t, f] = this.cond(arg, env);
          return [f, t];
        }
        break;
      }
      case 'binary_expression': {
        const op = textOf(this.src, n.childForFieldName('operator')!);
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (!left || !right) break;
        if (op === '&&') {
          const [t1, f1] = this.cond(left, env);
          if (!t1) return [null, f1];
          const [t2, f2] = this.cond(right, t1);
          return [t2, join(f1, f2)];
        }
        if (op === '||') {
          const [t1, f1] = this.cond(left, env);
          if (!f1) return [t1, null];
          const [t2, f2] = this.cond(right, f1);
          return [join(t1, t2), f2];
        }
        if (op === '==' || op === '!=') {
          // `page->pgmap->type == MEMORY_DEVICE_PRIVATE`: the page is device-private where this holds.
          const isNull = (x: Node) => /^(NULL|0)$/.test(textOf(this.src, x).trim());
          if (isNull(right) || isNull(left)) {
            const [t, f] = this.cond(isNull(right) ? left : right, env);
            return op === '==' ? [f, t] : [t, f];
          }
          this.expr(left, env);
          this.expr(right, env);
          const t = env.clone();
          const f = env;
          const devprivSide = /MEMORY_DEVICE_PRIVATE/.test(textOf(this.src, right)) ? left : /MEMORY_DEVICE_PRIVATE/.test(textOf(this.src, left)) ? right : null;
          if (devprivSide) {
            const page = pgmapOwner(devprivSide);
            const key = page ? this.key(page) : undefined;
            if (key) markDevpriv(op === '==' ? t : f, key, { loc: nodeLoc(this.file, n), message: 'pgmap type MEMORY_DEVICE_PRIVATE: a device-private page' });
          }
          return [t, f];
        }
        break;
      }
      case 'call_expression': {
        const name = this.calleeName(n);
        const entries = name ? this.contracts.lookup(name) : [];
        const args0 = argNodes(n);
        // unlikely(!get_page_unless_zero(page)): a transparent wrapper refines like its argument.
        if (entries.length && entries.every((e) => e.effect === 'transfer') && args0.length === 1) return this.cond(args0[0], env);
        this.expr(n, env);
        const t = env.clone();
        const f = env;
        const args = argNodes(n);
        for (const e of entries) {
          const arg = args[argOf(e)];
          const key = arg ? this.key(stripAddr(arg)) ?? normalize(textOf(this.src, arg)) : undefined;
          if (!key) continue;
          switch (e.effect) {
            case 'ref-on-success':
              this.upgrade(t, key, 'REF', this.pin(name!, n), `${name}() took a reference`);
              break;
            case 'put-testzero':
              this.upgrade(t, key, 'PUT', this.pin(name!, n), `${name}() returned true: the put path holds the last reference`);
              this.release(f, key, nodeLoc(this.file, n), name!);
              break;
            case 'dax-lock':
              f.locked.delete(key);
              break;
            case 'pfn-valid':
              t.guards.set(key, nodeLoc(this.file, n));
              break;
            case 'devpriv-test':
              t.devprivKeys.add(key);
              break;
            case 'returns-online':
              t.online.set(key, this.pin(name!, n));
              break;
            case 'zone-device-test':
              if (e.devprivSafe) markDevpriv(t, key, { loc: nodeLoc(this.file, n), message: `${name}() is true here: a device-private page` });
              break;
            default:
              break;
          }
        }
        return [t, f];
      }
      case 'identifier':
      case 'field_expression': {
        // `if (!pgmap)`, `if (!cookie)`: on the NULL side the pin or the lock was never taken.
        this.expr(n, env);
        const key = this.key(n);
        const t = env.clone();
        const f = env;
        if (key && f.pins.has(key)) f.pins.delete(key);
        // Where the pointer is NULL it holds no page: only the non-NULL side's value flows on.
        if (key && f.vars.has(key) && this.types.get(key) !== 'other') f.vars.delete(key);
        const locked = key ? this.cookieOf.get(key) : undefined;
        if (locked) f.locked.delete(locked);
        const online = key ? this.onlineOf.get(key) : undefined;
        if (online) t.online.set(online.pfnKey, online.pin);
        return [t, f];
      }
      default:
        break;
    }
    // `flags & TTU_MIGRATION`: a migration walk, where pages may be device-private.
    if (n.type === 'binary_expression' && textOf(this.src, n.childForFieldName('operator')!) === '&') {
      this.expr(n, env);
      const t = env.clone();
      if (this.mentionsDevprivFlag(n)) this.markAllPagesDevpriv(t, this.devprivFlagStep(n));
      return [t, env];
    }
    this.expr(n, env);
    return [env.clone(), env];
  }

  private mentionsDevprivFlag(n: Node): boolean {
    for (const m of textOf(this.src, n).matchAll(/[A-Z_][A-Z0-9_]+/g)) if (this.contracts.find(m[0], 'devpriv-flag')) return true;
    return false;
  }

  private markAllPagesDevpriv(env: Env, why: Step): void {
    for (const [k, v] of env.vars) {
      const t = this.types.get(k);
      if (t === 'page' || t === 'folio') env.vars.set(k, v.map((a) => (a.devpriv ? a : { ...a, devpriv: true, devprivWhy: why })));
    }
  }

  private devprivFlagStep(n: Node): Step {
    const flag = [...textOf(this.src, n).matchAll(/[A-Z_][A-Z0-9_]+/g)].map((m) => m[0]).find((w) => this.contracts.find(w, 'devpriv-flag'))!;
    const e = this.contracts.find(flag, 'devpriv-flag')!;
    return { loc: nodeLoc(this.file, n), message: `${flag} in ${this.fnName}(): ${e.reason}` };
  }

  private upgrade(env: Env, key: string, state: State, pin: Pin, message: string): void {
    const before = env.vars.get(key) ?? [];
    const devpriv = before.some((a) => a.devpriv);
    env.vars.set(key, [{ state, devpriv: devpriv || undefined, origin: { loc: pin.loc, message }, pins: [pin], prev: capPrev(before) }]);
  }

  // ---------------------------------------------------------------- expressions

  /** The possible page/pfn values of an expression (undefined: nothing known), recording sinks and calls. */
  private expr(n: Node, env: Env): Alt[] | undefined {
    this.tick();
    if (++this.depth > this.maxDepth) { this.depth--; this.truncated = true; return undefined; }
    try {
      return this.exprInner(n, env);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: Node, env: Env): Alt[] | undefined {
    switch (n.type) {
      case 'identifier': {
        const name = textOf(this.src, n);
        return this.lookupKey(name, n, env);
      }
      case 'field_expression':
        return this.fieldExpr(n, env, false);
      case 'call_expression':
        return this.call(n, env);
      case 'assignment_expression': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (!left || !right) return undefined;
        if (left.type === 'field_expression') this.fieldExpr(left, env, true);
        else if (left.type !== 'identifier') this.expr(left, env);
        const key = this.key(left);
        const op = textOf(this.src, n.childForFieldName('operator')!);
        // `ops->fn = f;` registers a callback like an initializer does.
        if (right.type === 'identifier' && left.type === 'field_expression') {
          const fn = textOf(this.src, right);
          if (!env.vars.has(fn) && !this.types.has(fn)) {
            const field = textOf(this.src, left.childForFieldName('field')!);
            this.fieldRefs.push({ field, fn });
            const base = left.childForFieldName('argument');
            const owner = base ? this.key(base) : undefined;
            if (owner) this.localCallbacks.set(owner, [...(this.localCallbacks.get(owner) ?? []), fn]);
          }
        }
        if (!key) { return this.expr(right, env); }
        if (op === '=') { this.assignTo(key, right, env); return env.vars.get(key); }
        // `page += n`, `pfn += i`: same page, same state.
        this.expr(right, env);
        return env.vars.get(key);
      }
      case 'binary_expression': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const opText = textOf(this.src, n.childForFieldName('operator')!);
        if ((opText === '&&' || opText === '||') && l && r) {
          // `pfn_valid(pfn) && PageReserved(pfn_to_page(pfn))`: the right side runs where the left decided.
          const [t, f] = this.cond(l, env);
          const side = opText === '&&' ? t : f;
          if (side) this.expr(r, side);
          return undefined;
        }
        const lv = l ? this.expr(l, env) : undefined;
        const rv = r ? this.expr(r, env) : undefined;
        const op = textOf(this.src, n.childForFieldName('operator')!);
        if (op === '+' || op === '-' || op === '|') return lv && lv.length ? lv : op === '+' ? rv : undefined;
        return undefined;
      }
      case 'parenthesized_expression':
      case 'cast_expression': {
        const inner = n.childForFieldName('value') ?? n.namedChildren.filter((c) => c && isExpression(c.type)).pop();
        return inner ? this.expr(inner, env) : undefined;
      }
      case 'pointer_expression': {
        const arg = n.childForFieldName('argument');
        return arg ? this.expr(arg, env) : undefined;
      }
      case 'subscript_expression': {
        const arg = n.childForFieldName('argument');
        const idx = n.childForFieldName('index') ?? n.namedChild(1);
        if (idx) this.expr(idx, env);
        return arg ? this.expr(arg, env) : undefined;
      }
      case 'conditional_expression': {
        const c = n.childForFieldName('condition');
        const [t, f] = c ? this.cond(c, env) : [env, env];
        const a = n.childForFieldName('consequence');
        const b = n.childForFieldName('alternative');
        const av = a && t ? this.expr(a, t) : undefined;
        const bv = b && f ? this.expr(b, f) : undefined;
        return unionAlts(av ?? [], bv ?? []);
      }
      case 'comma_expression': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        if (l) this.expr(l, env);
        return r ? this.expr(r, env) : undefined;
      }
      case 'initializer_list':
        this.initializerList(n, env);
        return undefined;
      case 'compound_literal_expression': {
        const v = n.childForFieldName('value');
        if (v) this.initializerList(v, env);
        return undefined;
      }
      case 'string_literal':
      case 'concatenated_string':
      case 'char_literal':
      case 'number_literal':
      case 'sizeof_expression':
      case 'comment':
        return undefined;
      default: {
        let last: Alt[] | undefined;
        for (const c of n.namedChildren) if (c && isExpression(c.type)) last = this.expr(c, env);
        return last;
      }
    }
  }

  private lookupKey(key: string, n: Node, env: Env): Alt[] | undefined {
    let v = env.vars.get(key);
    // A pfn covered by a live get_dev_pagemap() pin, passed on or converted, carries the pin.
    const pgmapPin = env.pinFor(key);
    if (pgmapPin) v = [{ state: 'PGMAP', origin: { loc: pgmapPin.loc, message: `pfn pinned by ${pgmapPin.api}() in ${pgmapPin.fn}()` }, pins: [pgmapPin] }];
    else if (env.online.has(key) && (!v || v.every((a) => a.state === 'PARAM' || a.state === 'RAW' || a.state === 'RET'))) {
      const p = env.online.get(key)!;
      v = [{ state: 'ONLINE', origin: { loc: p.loc, message: `pfn ${key} found online by ${p.api}() in ${p.fn}()` }, pins: [p] }];
    } else if (!v && env.guards.has(key)) v = [{ state: 'RAW', origin: { loc: nodeLoc(this.file, n), message: `pfn ${key} checked only by pfn_valid()` }, guard: env.guards.get(key), pfnKey: key }];
    const lock = env.locked.get(key);
    if (lock && v) v = v.map((a) => withPin(a, lock));
    if (v && this.opts.collectUses && n.startPosition.row === n.endPosition.row) {
      const id = `${n.startIndex}`;
      const prev = this.uses.get(id);
      this.uses.set(id, [n.startPosition.row, n.startPosition.column, n.endPosition.column, key, prev ? unionAlts(prev[4], v) : v]);
    }
    return v;
  }

  private fieldExpr(n: Node, env: Env, isWrite: boolean): Alt[] | undefined {
    const base = n.childForFieldName('argument');
    const fieldNode = n.childForFieldName('field');
    if (!base || !fieldNode) return undefined;
    const field = textOf(this.src, fieldNode);
    const baseVal = this.expr(base, env);
    const baseKey = this.key(base);
    const baseType = baseKey ? this.types.get(baseKey) : undefined;
    const isPage = baseType === 'page' || baseType === 'folio' || (baseVal !== undefined && baseVal.length > 0 && baseType === undefined);
    if (!isWrite && isPage && (field === 'pgmap' || field === 'flags')) {
      this.sink(field === 'pgmap' ? 'zd-test' : 'memmap-read', `${baseType === 'folio' ? 'folio' : 'page'}->${field}`, n, base, baseVal ?? [], env, {});
    }
    // `&folio->page`: the same page.
    if (field === 'page' && baseType === 'folio') return baseVal;
    const fieldContract = this.contracts.find(`.${field}`, 'returns-ref');
    if (fieldContract && !isWrite) return [{ state: 'REF', origin: { loc: nodeLoc(this.file, n), message: `page from ->${field}: ${fieldContract.reason}` } }];
    const key = this.key(n);
    return key ? this.lookupKey(key, n, env) : undefined;
  }

  private call(n: Node, env: Env): Alt[] | undefined {
    const fnNode = n.childForFieldName('function');
    const args = argNodes(n);
    const argVals = args.map((a) => this.expr(a, env));
    if (fnNode && fnNode.type !== 'identifier') this.expr(fnNode, env);
    const name = this.calleeName(n);
    if (!name) return undefined;
    const entries = this.contracts.lookup(name);
    if (entries.length === 0) return this.userCall(n, name, args, argVals, env);
    let result: Alt[] | undefined;
    for (const contract of entries) {
      if (contract.definitionOnly) continue;
      let e = contract;
      const w = e.whenArgMentions;
      if (w && args[w.arg] && textOf(this.src, args[w.arg]).includes(w.text)) e = { ...e, effect: w.effect, reason: w.reason };
      const ai = argOf(e);
      const arg = args[ai];
      const argKey = arg ? this.key(stripAddr(arg)) : undefined;
      const loc = nodeLoc(this.file, n);
      const devpriv = !!(argKey && env.devprivKeys.has(argKey)) || undefined;
      switch (e.effect) {
        case 'returns-ref':
          result = [{ state: 'REF', devpriv, origin: { loc, message: `page from ${name}(): ${said(name, e.reason)}` }, pins: [this.pin(name, n)] }];
          break;
        case 'returns-mapped':
          result = [{ state: 'MAPPED', devpriv, underPtl: e.underPtl || undefined, origin: { loc, message: `page from ${name}(): ${said(name, e.reason)}` }, pins: [this.pin(name, n)] }];
          break;
        case 'returns-online':
          result = [{ state: 'ONLINE', origin: { loc, message: `page from ${name}(): ${said(name, e.reason)}` }, pins: [this.pin(name, n)] }];
          break;
        case 'returns-ptl':
          result = [{ state: 'PTL', devpriv, origin: { loc, message: `page from ${name}(): ${said(name, e.reason)}` } }];
          break;
        case 'returns-devpriv':
          result = [{ state: 'UNKNOWN', devpriv: true, origin: { loc, message: `page from ${name}(): ${said(name, e.reason)}` } }];
          break;
        case 'returns-unknown':
          // Like a call to a function outside the tree (RET with no definition), without asking for one.
          result = [{ state: 'RET', opaque: said(name, e.reason), origin: { loc, message: `page returned by ${name}()` } }];
          break;
        case 'returns-raw':
          result = this.pfnToPage(name, n, arg, argVals[ai], env);
          break;
        case 'transfer':
          result = argVals[ai];
          break;
        case 'takes-ref': {
          if (!argKey) break;
          const before = env.vars.get(argKey) ?? [];
          env.vars.set(argKey, [{ state: 'REF', devpriv: before.some((a) => a.devpriv) || undefined, origin: { loc, message: `${name}(): ${said(name, e.reason)}` }, pins: [this.pin(name, n)], prev: capPrev(before) }]);
          break;
        }
        case 'consumes-ref':
          // put_page() ends the reference: a local get_page() gives back what was there before; a reference
          // from a lookup (find_get_page()) leaves a page nothing protects.
          if (argKey) this.release(env, argKey, loc, name);
          break;
        case 'driver-managed':
          if (argKey) env.vars.set(argKey, [{ state: 'DRIVER', origin: { loc, message: `${name}(): ${said(name, e.reason)}` } }]);
          break;
        case 'ptl-unlock': {
          if (e.ifArgMentions && !(arg && textOf(this.src, arg).includes(e.ifArgMentions))) break;
          for (const [k, v] of env.vars) {
            if (v.some((a) => a.state === 'MAPPED' && a.underPtl)) env.vars.set(k, v.map((a) => (a.state === 'MAPPED' && a.underPtl ? { ...a, state: 'PTL' as State, origin: { loc, message: `${a.origin.message}; the page-table lock was dropped by ${name}()` } } : a)));
          }
          break;
        }
        case 'pgmap-get':
          result = [{ state: 'PGMAP', origin: { loc, message: `${name}(): ${said(name, e.reason)}` }, pins: [this.pin(name, n)] }];
          break;
        case 'pgmap-put':
          if (argKey) { env.pins.delete(argKey); env.released.add(argKey); }
          break;
        case 'dax-lock':
          if (argKey) env.locked.set(argKey, this.pin(name, n));
          break;
        case 'dax-unlock':
          if (argKey) env.locked.delete(argKey);
          else env.locked.clear();
          break;
        case 'zone-device-test':
          if (arg) this.sink('zd-test', name, n, arg, argVals[ai] ?? [], env, { devprivSafe: e.devprivSafe });
          break;
        case 'memmap-read':
          if (arg) this.sink('memmap-read', name, n, arg, argVals[ai] ?? [], env, { reservedTest: e.reservedTest });
          break;
        default:
          break;
      }
    }
    return result;
  }

  /**
   * pfn_to_page(pfn): the page has the pfn's state. A pfn checked with pfn_valid() in this function is untrusted
   * whatever its source (that is what the guard says), and an unknown pfn gives a RAW page. A pgmap pin on the pfn
   * is applied where the page is used (applyPins), so a use after put_dev_pagemap() is unpinned again.
   */
  private pfnToPage(name: string, n: Node, arg: Node | undefined, v: Alt[] | undefined, env: Env): Alt[] {
    const loc = nodeLoc(this.file, n);
    const pfnKey = arg ? this.key(arg) ?? normalize(textOf(this.src, arg)) : undefined;
    const pgmapParam = this.pgmapParams.size ? [...this.pgmapParams.values()][0] : undefined;
    const guard = pfnKey ? env.guards.get(pfnKey) : undefined;
    const raw = (): Alt => ({
      state: 'RAW', pfnKey, guard, pgmapParam,
      origin: { loc, message: `page from ${name}(${pfnKey ?? ''}): ${guard ? 'pfn checked only by pfn_valid()' : 'no reference, memmap not checked'}` },
    });
    const online = pfnKey ? env.online.get(pfnKey) : undefined;
    if (online) return [{ state: 'ONLINE', origin: { loc, message: `page from ${name}(${pfnKey}) of a pfn ${online.api}() found online` }, pins: [online] }];
    if (guard || !v || v.length === 0) return [raw()];
    return v.map((a) => {
      if (a.state === 'PGMAP' && a.pins?.length && !a.prev) return raw(); // the pfn's pin: re-applied at the use
      if (a.state === 'PARAM' || a.state === 'RET') return { ...a, viaPfn: true, pgmapParam, pfnKey };
      if (a.state === 'RAW') return raw();
      return a;
    });
  }

  /** The pins live at a use: a pgmap pin on the pfn a RAW page was made from, a dax lock on the page. */
  private applyPins(alts: Alt[], argKey: string | undefined, env: Env): Alt[] {
    let out = alts.map((a) => {
      const pin = a.state === 'RAW' || (a.state === 'PARAM' && a.viaPfn) ? env.pinFor(a.pfnKey) : undefined;
      if (pin) return { ...a, state: 'PGMAP' as State, pins: [...(a.pins ?? []), pin] };
      // The caller's pgmap pin, dropped here with put_dev_pagemap(): it protects nothing after that.
      const released = [...this.pgmapParams.keys()].find((k) => env.released.has(k));
      if (released && (a.pgmapParam !== undefined || a.viaPfn)) {
        return { ...a, pgmapParam: undefined, unpinned: { loc: this.fnLoc(), message: `${this.fnName}() dropped the caller's pin with put_dev_pagemap(${released})` } };
      }
      return a;
    });
    if (argKey) for (const p of env.pins.values()) {
      if (p.pageKey === argKey) out = out.map((a) => ({ ...a, state: 'PGMAP' as State, pins: [...(a.pins ?? []), p.pin] }));
    }
    const lock = argKey ? env.locked.get(argKey) : undefined;
    if (lock) out = out.map((a) => withPin(a, lock));
    return out;
  }

  private userCall(n: Node, name: string, args: Node[], argVals: Array<Alt[] | undefined>, env: Env): Alt[] {
    const loc = nodeLoc(this.file, n);
    const id = `${loc.line}:${loc.col}`;
    const known = this.calls.get(id);
    let site = known?.site;
    const pgmapPins = args.map((a) => {
      const k = this.key(stripAddr(a));
      return k ? env.pins.get(k)?.pin : undefined;
    });
    const pgmapParamArgs = args.map((a) => {
      const k = this.key(a);
      return k !== undefined && this.pgmapParams.has(k) && !env.pins.has(k) ? this.pgmapParams.get(k) : undefined;
    });
    const callbacks: string[] = [];
    for (const a of args) {
      const inner = stripAddr(a);
      const k = this.key(inner);
      if (k && this.localCallbacks.has(k)) callbacks.push(...this.localCallbacks.get(k)!);
      else if (inner.type === 'identifier' && !env.vars.has(k!) && !this.types.has(k!)) callbacks.push(k!);
    }
    const vals = argVals.map((v, i) => this.applyPins(v ?? [], this.key(stripAddr(args[i])), env));
    if (site) {
      site.args = site.args.map((a, i) => unionAlts(a, vals[i] ?? []));
    } else {
      site = { callee: name, loc, args: vals };
      if (pgmapPins.some(Boolean)) site.pgmapPins = pgmapPins;
      if (pgmapParamArgs.some((x) => x !== undefined)) site.pgmapParamArgs = pgmapParamArgs;
      if (callbacks.length) site.callbacks = [...new Set(callbacks)];
      this.calls.set(id, { site, index: this.callOrder.length });
      this.callOrder.push(site);
    }
    // `fn(page)` where `fn` is a parameter or a local variable: a call through a function pointer (C scoping: the
    // variable hides any function of that name), which pagecheck does not follow.
    if (this.types.has(name)) return [{ state: 'RET', opaque: `a call through the function pointer ${name}, which pagecheck does not follow`, origin: { loc, message: `page returned by ${name}()` } }];
    return [{ state: 'RET', callee: name, call: known ? known.index : this.callOrder.length - 1, origin: { loc, message: `page returned by ${name}()` } }];
  }

  private sink(kind: Sink['kind'], api: string, n: Node, arg: Node, v: Alt[], env: Env, extra: Partial<Sink>): void {
    const loc = nodeLoc(this.file, n);
    const argKey = this.key(stripAddr(arg));
    let alts = this.applyPins(v, argKey, env);
    if (alts.length === 0) alts = [{ state: 'UNKNOWN', origin: { loc: nodeLoc(this.file, arg), message: `page ${textOf(this.src, arg)}: pagecheck cannot see where it comes from` } }];
    const pfnText = alts.find((a) => a.pfnKey)?.pfnKey;
    const id = `${kind}:${loc.line}:${loc.col}`;
    const prev = this.sinks.get(id);
    if (prev) { prev.alts = unionAlts(prev.alts, alts); return; }
    this.sinks.set(id, { kind, api, loc, argLoc: nodeLoc(this.file, arg), argText: textOf(this.src, arg), alts, pfnText, ...extra });
  }

  // ---------------------------------------------------------------- helpers

  /** `page_to_pfn(page)` → `page`: a pin on that pfn pins the page too. */
  private pageOfPfn(arg: Node): string | undefined {
    const u = unwrap(arg);
    if (u.type !== 'call_expression') return undefined;
    const name = this.calleeName(u);
    if (!name || !this.contracts.find(name, 'transfer')) return undefined;
    const inner = argNodes(u)[0];
    return inner ? this.key(inner) : undefined;
  }

  private release(env: Env, key: string, loc: Loc, name: string): void {
    const cur = env.vars.get(key);
    if (!cur) return;
    env.vars.set(key, cur.flatMap((a): Alt[] => {
      if (a.state !== 'REF') return [a];
      if (a.prev && a.prev.length) return a.prev;
      return [{ state: 'RAW', devpriv: a.devpriv, origin: { loc, message: `page after ${name}() dropped the reference` } }];
    }));
  }

  private pin(api: string, n: Node): Pin {
    return { api, fn: this.fnName, loc: nodeLoc(this.file, n) };
  }

  private calleeName(call: Node): string | undefined {
    const f = call.childForFieldName('function');
    if (!f) return undefined;
    if (f.type === 'identifier') return textOf(this.src, f);
    if (f.type === 'field_expression') {
      const field = f.childForFieldName('field');
      return field ? `.${textOf(this.src, field)}` : undefined;
    }
    if (f.type === 'parenthesized_expression') {
      const inner = unwrap(f);
      if (inner.type === 'pointer_expression') {
        const a = inner.childForFieldName('argument');
        if (a && a.type === 'field_expression') { const fld = a.childForFieldName('field'); return fld ? `.${textOf(this.src, fld)}` : undefined; }
      }
      if (inner.type === 'field_expression') { const fld = inner.childForFieldName('field'); return fld ? `.${textOf(this.src, fld)}` : undefined; }
    }
    return undefined;
  }

  /** A stable name for an lvalue: `page`, `vmf->page`, `pvmw.page`, `*pagep`. */
  private key(n: Node, depth = 0): string | undefined {
    // Bounded: a 10,000-long `a->b->c…` or `****p` chain is not a name worth tracking (and must not overflow).
    if (depth > MAX_KEY_DEPTH) return undefined;
    const u = unwrap(n);
    if (u.type === 'identifier') return textOf(this.src, u);
    if (u.type === 'field_expression') {
      const base = u.childForFieldName('argument');
      const field = u.childForFieldName('field');
      const op = u.child(1);
      const bk = base ? this.key(base, depth + 1) : undefined;
      return bk && field ? `${bk}${op ? textOf(this.src, op) : '->'}${textOf(this.src, field)}` : undefined;
    }
    if (u.type === 'pointer_expression' && u.child(0)?.type === '*') {
      const a = u.childForFieldName('argument');
      const k = a ? this.key(a, depth + 1) : undefined;
      return k ? `*${k}` : undefined;
    }
    return undefined;
  }
}

function pickDefinitionContract(entries: ContractEntry[], i: number): ContractEntry | undefined {
  const defs = entries.filter((e) => SAFE_DEFINITION_STATE[e.effect] && argOf(e) === i);
  // An explicit parameter contract beats the generic "predicate definition" one.
  return defs.find((e) => e.effect !== 'zone-device-test') ?? defs[0];
}

/** Longest lvalue path `key()` names (`a->b->c` counts 3). */
const MAX_KEY_DEPTH = 32;
/** Deepest `prev` history kept (nested get_page()s): 20,000 get_page() calls in a row must not build a
 *  20,000-deep chain that the resolver, the summary cache and structured cloning would recurse through. */
const MAX_PREV_DEPTH = 8;

const prevDepthMemo = new WeakMap<Alt[], number>();

/** How many `prev` levels hang below `alts` (memoised: histories share their arrays). */
function prevDepth(alts: Alt[]): number {
  let d = prevDepthMemo.get(alts);
  if (d !== undefined) return d;
  d = 0;
  for (const a of alts) if (a.prev) d = Math.max(d, 1 + prevDepth(a.prev));
  prevDepthMemo.set(alts, d);
  return d;
}

/** `alts` as a `prev` history, cut to MAX_PREV_DEPTH levels (the oldest levels are forgotten). */
function capPrev(alts: Alt[], room = MAX_PREV_DEPTH): Alt[] {
  if (prevDepth(alts) < room) return alts;
  return alts.map((a) => (!a.prev ? a : room <= 1 ? { ...a, prev: undefined } : { ...a, prev: capPrev(a.prev, room - 1) }));
}

/** A contract's reason without the API's own name in front: "pte_page() decodes …" → "decodes …". */
function said(name: string, reason: string): string {
  if (!reason.startsWith(`${name}(`)) return reason;
  const close = reason.indexOf(')', name.length);
  if (close < 0) return reason;
  return reason.slice(close + 1).replace(/^:?\s+/, '');
}

/** A pin on a value: a pending (PARAM/RET) value keeps its state so the callers' pins are still found. */
function withPin(a: Alt, pin: Pin): Alt {
  if (a.pins?.some((p) => p.loc.line === pin.loc.line && p.loc.col === pin.loc.col && p.loc.file === pin.loc.file)) return a;
  const pending = a.state === 'PARAM' || a.state === 'RET';
  return { ...a, state: pending ? a.state : 'PGMAP', pins: [...(a.pins ?? []), pin] };
}

function markDevpriv(env: Env | null, key: string, why?: Step): void {
  if (!env) return;
  const v = env.vars.get(key);
  if (v) env.vars.set(key, v.map((a) => (a.devpriv ? a : { ...a, devpriv: true, devprivWhy: why })));
}

/** `page->pgmap->type` → the `page` node. */
function pgmapOwner(n: Node): Node | null {
  let cur: Node | null = unwrap(n);
  for (let i = 0; cur && i < 8; i++) {
    if (cur.type !== 'field_expression') return null;
    const base = cur.childForFieldName('argument');
    const field = cur.childForFieldName('field');
    if (field && field.text === 'pgmap') return base;
    cur = base;
  }
  return null;
}

function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 64; i++) {
    if (cur.type === 'parenthesized_expression' || cur.type === 'cast_expression') {
      const inner = cur.childForFieldName('value') ?? cur.namedChildren.filter((c) => c && isExpression(c.type)).pop();
      if (!inner) return cur;
      cur = inner;
    } else return cur;
  }
  return cur;
}

function stripAddr(n: Node): Node {
  const u = unwrap(n);
  if (u.type === 'pointer_expression' && u.child(0)?.type === '&') return u.childForFieldName('argument') ?? u;
  return u;
}

export function argNodes(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  if (!list) return [];
  return list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

export function classifyType(typeText: string, depth: number): PageType {
  const t = typeText.replace(/\s+/g, ' ');
  if (/\bstruct page\b/.test(t)) return depth >= 2 ? 'pages' : depth === 1 ? 'page' : 'other';
  if (/\bstruct folio\b/.test(t)) return depth >= 2 ? 'pages' : depth === 1 ? 'folio' : 'other';
  if (/\bstruct dev_pagemap\b/.test(t) && depth === 1) return 'pgmap';
  return 'other';
}

function normalize(s: string): string {
  return s.replace(/\s+/g, '');
}

const EXPRESSION_TYPES = new Set([
  'identifier', 'field_expression', 'call_expression', 'assignment_expression', 'binary_expression',
  'unary_expression', 'update_expression', 'pointer_expression', 'subscript_expression', 'cast_expression',
  'parenthesized_expression', 'conditional_expression', 'comma_expression', 'sizeof_expression',
  'compound_literal_expression', 'initializer_list', 'string_literal', 'concatenated_string', 'number_literal',
  'char_literal', 'true', 'false', 'null', 'alignof_expression', 'offsetof_expression', 'generic_expression',
  'gnu_asm_expression', 'extension_expression',
]);

function isExpression(type: string): boolean {
  return EXPRESSION_TYPES.has(type);
}
