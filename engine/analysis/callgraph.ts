// Who calls whom, across every file given: direct calls, callbacks registered in a local ops struct and handed
// to a call (`rwc = {.rmap_one = f}; rmap_walk(page, &rwc)` calls f with that page), and calls through a
// function-pointer field (`ops->fn(…)`) matched to every function assigned to that field in the tree, of the same
// struct type: `ops->free(…)` with `const struct dma_map_ops *ops` reaches the `.free` of dma_map_ops tables, not
// a mempool's. A side whose type the code does not say (CallSite.recv, FieldRef.type absent) matches every type.
import { Alt, CallSite, FileFacts, FnSummary } from './model';

export interface CallerEdge {
  caller: FnSummary;
  site: CallSite;
  /** For each callee parameter index, the call's argument index (undefined: not passed). */
  argFor(param: number): number | undefined;
  kind: 'direct' | 'callback' | 'field';
}

export class CallGraph {
  readonly defs = new Map<string, FnSummary[]>();
  private readonly direct = new Map<string, Array<{ caller: FnSummary; site: CallSite }>>();
  private readonly viaCallback = new Map<string, Array<{ caller: FnSummary; site: CallSite }>>();
  private readonly viaField = new Map<string, Array<{ caller: FnSummary; site: CallSite }>>();
  /** fn name → `field\0type\0file` → how many assignments of that name to that field of that struct type (empty:
   *  unknown) in that file (counted, so one file's can be taken away again). */
  private readonly fieldsOf = new Map<string, Map<string, number>>();
  private readonly edgeCache = new Map<FnSummary, CallerEdge[]>();
  /** `tag.field` → the functions that store pages into that page field (FnSummary.fieldStores). */
  private readonly stores = new Map<string, FnSummary[]>();

  constructor(files: readonly FileFacts[]) {
    for (const f of files) this.add(f, 1);
  }

  /**
   * Replaces one file's contribution (the editor's keystroke path): only the entries of the functions in `before`
   * and `after` are touched, so a keystroke does not rebuild the graph of a whole tree.
   */
  replaceFile(before: FileFacts | undefined, after: FileFacts | undefined): void {
    if (before) this.add(before, -1);
    if (after) this.add(after, 1);
    this.edgeCache.clear();
  }

  private add(f: FileFacts, sign: 1 | -1): void {
    const field = (fn: string, fld: string, type: string | undefined) => {
      const m = this.fieldsOf.get(fn) ?? new Map<string, number>();
      const k = `${fld}\0${type ?? ''}\0${f.file}`;
      const n = (m.get(k) ?? 0) + sign;
      if (n > 0) m.set(k, n); else m.delete(k);
      if (m.size) this.fieldsOf.set(fn, m); else this.fieldsOf.delete(fn);
    };
    const edit = <K, V>(map: Map<K, V[]>, k: K, v: V, same: (x: V) => boolean) => (sign > 0 ? push(map, k, v) : pull(map, k, same));
    for (const r of f.fieldRefs) field(r.fn, r.field, r.type);
    for (const fn of f.functions) {
      edit(this.defs, fn.name, fn, (x) => x === fn);
      for (const st of fn.fieldStores ?? []) edit(this.stores, st.field, fn, (x) => x === fn);
      for (const r of fn.fieldRefs) field(r.fn, r.field, r.type);
      for (const site of fn.calls) {
        const e = { caller: fn, site };
        const same = (x: { site: CallSite }) => x.site === site;
        if (site.callee.startsWith('.')) edit(this.viaField, site.callee.slice(1), e, same);
        else edit(this.direct, site.callee, e, same);
        if (site.callbacks) for (const cb of site.callbacks) edit(this.viaCallback, cb, e, same);
      }
    }
  }

  /** The functions storing pages into the page field `field` (`tag.field`) of a struct of `file`. */
  fieldStores(field: string, file: string): FnSummary[] {
    return (this.stores.get(field) ?? []).filter((fn) => fn.file === file);
  }

  /** The definitions a call from `fromFile` to `name` may reach: a static one in the same file wins. */
  resolve(name: string, fromFile: string): FnSummary[] {
    const defs = this.defs.get(name);
    if (!defs) return [];
    const local = defs.filter((d) => d.file === fromFile);
    if (local.length) return local;
    const exported = defs.filter((d) => !d.isStatic);
    // Headers' static inline functions are visible to every includer.
    return exported.length ? exported : defs.filter((d) => d.file.endsWith('.h'));
  }

  callers(fn: FnSummary): CallerEdge[] {
    const cached = this.edgeCache.get(fn);
    if (cached) return cached;
    const edges: CallerEdge[] = [];
    const reaches = (callerFile: string) => this.resolve(fn.name, callerFile).includes(fn);
    for (const e of this.direct.get(fn.name) ?? []) {
      if (!reaches(e.caller.file)) continue;
      edges.push({ ...e, kind: 'direct', argFor: (i) => i });
    }
    const cbs = (this.viaCallback.get(fn.name) ?? []).filter((e) => reaches(e.caller.file) && e.caller !== fn);
    for (const e of cbs) {
      // The callback receives the pages the registering call passes: page parameters in order ↔ page-valued args.
      // An argument that is only the caller's own struct pointer parameter (`write_cache_pages(mapping, wbc,
      // __writepage, mapping)`) is not a page.
      const pageParams = fn.params.map((p, i) => (p.kind === 'page' ? i : -1)).filter((i) => i >= 0);
      const pageArgs = e.site.args.map((a, i) => (a.length && !a.every((x) => notAPage(e.caller, x)) ? i : -1)).filter((i) => i >= 0);
      edges.push({ ...e, kind: 'callback', argFor: (i) => { const k = pageParams.indexOf(i); return k >= 0 ? pageArgs[k] : undefined; } });
    }
    if (cbs.length === 0) {
      for (const [field, types] of this.fieldTypesFor(fn)) {
        for (const e of this.viaField.get(field) ?? []) {
          if (types && e.site.recv !== undefined && !types.has(e.site.recv)) continue;
          // Another number of arguments: a pointer of another function type (`file->f_op->mmap(file, vma)` is not
          // a call of a six-parameter dma_map_ops .mmap), whatever the object's type.
          if (!fn.anyArity && e.site.args.length !== fn.params.length) continue;
          edges.push({ ...e, kind: 'field', argFor: (i) => i });
        }
      }
    }
    this.edgeCache.set(fn, edges);
    return edges;
  }

  /**
   * The function-pointer fields `fn` is assigned to: by assignments whose name, read in their own file, means `fn`
   * (a static function of a .c file is assigned only in that file; a same-named one elsewhere is another function).
   */
  fieldsFor(fn: FnSummary): string[] {
    return [...this.fieldTypesFor(fn).keys()];
  }

  /**
   * fieldsFor(), with the struct types of the objects `fn` is stored into, per field: null when one of them is
   * unknown (then a call through that field of any type may reach `fn`).
   */
  fieldTypesFor(fn: FnSummary): Map<string, Set<string> | null> {
    const out = new Map<string, Set<string> | null>();
    for (const k of this.fieldsOf.get(fn.name)?.keys() ?? []) {
      const [field, type, file] = k.split('\0');
      if (out.get(field) === null || !this.resolve(fn.name, file).includes(fn)) continue;
      if (!type) { out.set(field, null); continue; }
      const types = out.get(field) ?? new Set<string>();
      out.set(field, types.add(type));
    }
    return out;
  }

  /**
   * The callers of `fn` when its own file says who they all are: a static function of a .c file, stored in no
   * function-pointer field and handed to no call as a callback, is called only by the direct calls of its file.
   * Anything else (a global function, one an ops table or a registering call may run from anywhere): undefined.
   * Invariant: the answer depends only on `fn`'s file (the facts a demand run asks for with PlanIndex `local` jobs),
   * so a run on demand and a run over every file agree on it.
   */
  fileCallers(fn: FnSummary): CallerEdge[] | undefined {
    if (!CallGraph.fileScoped(fn) || this.fieldTypesFor(fn).size) return undefined;
    const edges = this.callers(fn);
    return edges.every((e) => e.kind === 'direct' && e.caller.file === fn.file) ? edges : undefined;
  }

  /** Whether every caller of `fn` (direct, callback, the assignments to fields) can only be in its own file. */
  static fileScoped(fn: FnSummary): boolean {
    return fn.isStatic && !fn.file.endsWith('.h');
  }
}

/** A value that is the function's own parameter declared as a pointer to some other struct: never a page. */
function notAPage(fn: FnSummary, a: Alt): boolean {
  return a.state === 'PARAM' && a.param !== undefined && !a.viaPfn && fn.params[a.param]?.kind === 'object';
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v); else m.set(k, [v]);
}

function pull<K, V>(m: Map<K, V[]>, k: K, same: (v: V) => boolean): void {
  const l = m.get(k);
  if (!l) return;
  const i = l.findIndex(same);
  if (i >= 0) l.splice(i, 1);
  if (l.length === 0) m.delete(k);
}
