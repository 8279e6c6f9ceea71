// A kernel tree's Kconfig, per architecture: which symbols can be enabled at all, which are forced on, and what
// a symbol implies when it is on. Read from the audited tree itself (its top `Kconfig` and every file it sources,
// with `$(SRCARCH)` set to each directory under arch/), never from a list written into pagecheck.
//
// The answers over-approximate what a configuration can do: "can be enabled" is true unless no chain of
// prompts, defaults and selects can turn the symbol on; "cannot both be on" is claimed only when the
// dependencies themselves say so. Invariant: an architecture whose Kconfig graph could not be read completely
// (a missing file, a source line with a macro other than $(SRCARCH)/$(ARCH)) is `complete: false`, and callers
// must then assume it can do everything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KEntry, KExpr, KFile, parseKconfigSource } from './kconfig-lang';

/** A literal: symbol on (true) or off (false). */
type Lit = string; // "+NAME" / "-NAME"

/** Every entry of a tree's Kconfig files, indexed once; an architecture sees the entries of the files it reaches. */
export class KconfigIndex {
  readonly defs = new Map<string, KEntry[]>();
  /** Reverse selects: symbol → the entries that select it, with the select's condition. */
  readonly selectedBy = new Map<string, Array<{ by: KEntry; cond?: KExpr }>>();
  /** `choice` → its members. */
  readonly choices = new Map<string, KEntry[]>();

  add(entries: readonly KEntry[]): void {
    for (const e of entries) {
      if (e.choice) { const m = this.choices.get(e.choice); if (m) m.push(e); else this.choices.set(e.choice, [e]); }
      const list = this.defs.get(e.name);
      if (list) list.push(e); else this.defs.set(e.name, [e]);
      for (const s of e.selects) {
        const by = this.selectedBy.get(s.name);
        if (by) by.push({ by: e, cond: s.cond }); else this.selectedBy.set(s.name, [{ by: e, cond: s.cond }]);
      }
    }
  }
}

const NONE: never[] = [];

export class ArchKconfig {
  private readonly canY = new Map<string, boolean>();
  private readonly forcedOn = new Map<string, boolean>();
  private readonly solvedSet = new Set<string>();
  private readonly implied = new Map<string, Set<Lit>>();

  /** `files`: the Kconfig files this architecture's graph reaches (entries of other files are invisible). */
  constructor(readonly arch: string, private readonly index: KconfigIndex, private readonly files: ReadonlySet<string>, readonly complete: boolean) {}

  private defsOf(sym: string): KEntry[] {
    const all = this.index.defs.get(sym);
    return all ? all.filter((e) => this.files.has(e.file)) : NONE;
  }

  private selectorsOf(sym: string): Array<{ by: KEntry; cond?: KExpr }> {
    const all = this.index.selectedBy.get(sym);
    return all ? all.filter((s) => this.files.has(s.by.file)) : NONE;
  }

  defines(sym: string): boolean {
    return this.defsOf(sym).length > 0;
  }

  /** Some configuration of this architecture can have `sym` = y (or m). */
  canEnable(sym: string): boolean {
    if (!this.complete) return true;
    this.solve(sym);
    return this.canY.get(sym) ?? false;
  }

  /** Every configuration of this architecture has `sym` on. */
  forced(sym: string): boolean {
    if (!this.complete) return false;
    this.solve(sym);
    return this.forcedOn.get(sym) ?? false;
  }

  /** No configuration of this architecture has both `a` and `b` on (read from their dependencies). */
  exclusive(a: string, b: string): boolean {
    if (!this.complete) return false;
    if (!this.canEnable(a) || !this.canEnable(b)) return true;
    const lits = new Set([`+${a}`, `+${b}`, ...this.impliedBy(a), ...this.impliedBy(b)]);
    for (const l of lits) {
      const name = l.slice(1);
      if (l[0] === '+' && (lits.has(`-${name}`) || !this.canEnable(name))) return true;
      if (l[0] === '-' && this.forced(name)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------ possibility: a fixpoint over a symbol's cone

  /** Solves `sym` and everything its answer depends on (the cone), unless already solved. */
  private solve(sym: string): void {
    if (this.solvedSet.has(sym)) return;
    const cone = this.cone(sym);
    // canY grows from false and forcedOn from false; negation makes the system non-monotone in principle, so
    // the rounds are capped and an unsettled symbol keeps the permissive answer (can be on, not forced).
    let changed = true;
    let rounds = 0;
    const everY = new Set<string>();
    for (; changed && rounds < 64; rounds++) {
      changed = false;
      for (const n of cone) {
        const y = this.computeCanY(n);
        if (y !== (this.canY.get(n) ?? false)) { this.canY.set(n, y); changed = true; }
        if (y) everY.add(n);
        const f = this.computeForced(n);
        if (f !== (this.forcedOn.get(n) ?? false)) { this.forcedOn.set(n, f); changed = true; }
      }
    }
    if (changed) for (const n of cone) { if (everY.has(n)) this.canY.set(n, true); this.forcedOn.set(n, false); }
    for (const n of cone) this.solvedSet.add(n);
  }

  /** The unsolved symbols `sym`'s answer reads: its definitions' expressions and its selectors, transitively. */
  private cone(sym: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = [sym];
    const push = (e: KExpr | undefined) => { if (e) for (const n of symbolsOf(e)) if (!seen.has(n) && !this.solvedSet.has(n)) stack.push(n); };
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n) || this.solvedSet.has(n)) continue;
      seen.add(n);
      out.push(n);
      for (const d of this.defsOf(n)) {
        d.deps.forEach(push);
        push(d.prompt?.cond);
        for (const x of d.defaults) { push(x.value); push(x.cond); }
      }
      for (const s of this.selectorsOf(n)) {
        if (!seen.has(s.by.name) && !this.solvedSet.has(s.by.name)) stack.push(s.by.name);
        push(s.cond);
        s.by.deps.forEach(push);
      }
    }
    return out;
  }

  private computeCanY(name: string): boolean {
    for (const d of this.defsOf(name)) {
      if (d.type && d.type !== 'bool' && d.type !== 'tristate') return true; // strings, ints: "set" is not the question
      if (!d.deps.every((e) => this.ev(e).t)) continue;
      if (d.prompt && (!d.prompt.cond || this.ev(d.prompt.cond).t)) return true;
      if (d.defaults.some((x) => this.ev(x.value).t && (!x.cond || this.ev(x.cond).t))) return true;
    }
    for (const s of this.selectorsOf(name)) {
      if ((this.canY.get(s.by.name) ?? false) && s.by.deps.every((e) => this.ev(e).t) && (!s.cond || this.ev(s.cond).t)) return true;
    }
    return false;
  }

  private computeForced(name: string): boolean {
    for (const d of this.defsOf(name)) {
      if (d.type !== 'bool' && d.type !== 'tristate') continue;
      if (d.prompt && (!d.prompt.cond || this.ev(d.prompt.cond).t)) continue; // the user may say no
      if (!d.deps.every((e) => !this.ev(e).f)) continue;
      const first = d.defaults.find((x) => !x.cond || this.ev(x.cond).t);
      if (first && (!first.cond || !this.ev(first.cond).f) && !this.ev(first.value).f) return true;
    }
    for (const s of this.selectorsOf(name)) {
      if ((this.forcedOn.get(s.by.name) ?? false) && (!s.cond || !this.ev(s.cond).f)) return true;
    }
    return false;
  }

  /** Can the expression be true (t) / false (f) in some configuration? */
  private ev(e: KExpr): { t: boolean; f: boolean } {
    switch (e.k) {
      case 'const': return { t: e.v !== 'n', f: e.v === 'n' };
      case 'unknown': return { t: true, f: true };
      case 'sym': {
        if (!this.defsOf(e.name).length && !this.selectorsOf(e.name).length) return { t: false, f: true }; // undefined: n
        return { t: this.canY.get(e.name) ?? false, f: !(this.forcedOn.get(e.name) ?? false) };
      }
      case 'not': { const x = this.ev(e.e); return { t: x.f, f: x.t }; }
      case 'and': { const a = this.ev(e.a); const b = this.ev(e.b); return { t: a.t && b.t, f: a.f || b.f }; }
      case 'or': { const a = this.ev(e.a); const b = this.ev(e.b); return { t: a.t || b.t, f: a.f && b.f }; }
    }
  }

  // ------------------------------------------------------------ implications: what `sym` = y needs

  /** Literals every configuration with `sym` on has (from dependencies, defaults of prompt-less symbols, selectors). */
  impliedBy(sym: string, depth = 0): Set<Lit> {
    const memo = this.implied.get(sym);
    if (memo) return memo;
    if (depth > 12) return new Set();
    this.implied.set(sym, new Set()); // a cycle implies nothing more
    // Each way the symbol can come on is an alternative; what holds in all of them is implied.
    const alternatives: Array<Set<Lit>> = [];
    for (const d of this.defsOf(sym)) {
      const deps = new Set<Lit>();
      for (const e of d.deps) for (const l of this.litsOf(e, depth)) deps.add(l);
      // A choice member that is on is the choice's only member that is on.
      if (d.choice) for (const m of this.index.choices.get(d.choice) ?? []) if (m.name !== sym) deps.add(`-${m.name}`);
      const prompted = d.prompt && (!d.prompt.cond || this.ev(d.prompt.cond).t);
      if (prompted) { alternatives.push(deps); continue; }
      // Without a prompt, only a default turns it on: each default that can be y is an alternative.
      for (const x of d.defaults) {
        if (!this.ev(x.value).t || (x.cond && !this.ev(x.cond).t)) continue;
        const alt = new Set(deps);
        for (const l of this.litsOf(x.value, depth)) alt.add(l);
        if (x.cond) for (const l of this.litsOf(x.cond, depth)) alt.add(l);
        alternatives.push(alt);
      }
    }
    for (const s of this.selectorsOf(sym)) {
      if (!this.canEnable(s.by.name)) continue;
      const alt = new Set<Lit>([`+${s.by.name}`, ...this.impliedBy(s.by.name, depth + 1)]);
      if (s.cond) for (const l of this.litsOf(s.cond, depth)) alt.add(l);
      alternatives.push(alt);
    }
    let out: Set<Lit> = new Set();
    if (alternatives.length) {
      out = alternatives[0];
      for (const a of alternatives.slice(1)) out = new Set([...out].filter((l) => a.has(l)));
    }
    this.implied.set(sym, out);
    return out;
  }

  private litsOf(e: KExpr, depth: number): Set<Lit> {
    switch (e.k) {
      case 'sym': return new Set([`+${e.name}`, ...this.impliedBy(e.name, depth + 1)]);
      case 'not': return e.e.k === 'sym' ? new Set([`-${e.e.name}`]) : new Set();
      case 'and': return new Set([...this.litsOf(e.a, depth), ...this.litsOf(e.b, depth)]);
      case 'or': { const a = this.litsOf(e.a, depth); const b = this.litsOf(e.b, depth); return new Set([...a].filter((l) => b.has(l))); }
      default: return new Set();
    }
  }
}

function symbolsOf(e: KExpr): string[] {
  switch (e.k) {
    case 'sym': return [e.name];
    case 'not': return symbolsOf(e.e);
    case 'and': case 'or': return [...symbolsOf(e.a), ...symbolsOf(e.b)];
    default: return [];
  }
}

/** Every architecture's Kconfig graph of one tree. Files are read and parsed once, shared by the architectures. */
export class TreeKconfig {
  private readonly files = new Map<string, KFile | null>();
  private readonly archCache = new Map<string, ArchKconfig>();
  private readonly index = new KconfigIndex();
  private readonly exists = new Map<string, boolean>();

  private constructor(readonly root: string, readonly arches: readonly string[]) {}

  /** undefined when `root` is not a kernel tree with a top Kconfig and an arch/ directory. */
  static read(root: string): TreeKconfig | undefined {
    if (!isFile(path.join(root, 'Kconfig'))) return undefined;
    let dirs: string[];
    try { dirs = fs.readdirSync(path.join(root, 'arch')); } catch { return undefined; }
    const arches = dirs.filter((d) => isFile(path.join(root, 'arch', d, 'Kconfig'))).sort();
    return arches.length ? new TreeKconfig(root, arches) : undefined;
  }

  arch(name: string): ArchKconfig {
    let a = this.archCache.get(name);
    if (!a) {
      a = this.load(name);
      this.archCache.set(name, a);
    }
    return a;
  }

  private load(arch: string): ArchKconfig {
    let complete = true;
    const seen = new Set<string>();
    const visit = (rel: string) => {
      if (seen.has(rel)) return;
      seen.add(rel);
      const f = this.file(rel);
      if (!f) { complete = false; return; }
      for (const s of f.sources) {
        const p = s.path.replace(/\$\((SRCARCH|ARCH)\)/g, arch);
        // Another macro (um's `arch/$(HEADER_ARCH)/um/Kconfig`): every architecture it could name whose file
        // exists is sourced — more definitions only widen what can be enabled.
        const candidates = p.includes('$(') ? this.expandMacro(p) : [p];
        if (!candidates.length) { if (!s.optional) complete = false; continue; }
        for (const c of candidates) {
          const target = s.relative ? path.posix.join(path.posix.dirname(rel), c) : c;
          if (!this.isFile(target)) { if (!s.optional) complete = false; continue; }
          visit(target);
        }
      }
    };
    visit('Kconfig');
    return new ArchKconfig(arch, this.index, seen, complete);
  }

  /** `arch/$(X)/um/Kconfig` → the existing files with one of the tree's architectures for the macro. */
  private expandMacro(p: string): string[] {
    const macros = p.match(/\$\([A-Za-z_]+\)/g) ?? [];
    if (macros.length !== 1) return [];
    return this.arches.map((a) => p.replace(macros[0], a)).filter((c) => this.isFile(c));
  }

  private isFile(rel: string): boolean {
    let e = this.exists.get(rel);
    if (e === undefined) { e = isFile(path.join(this.root, rel)); this.exists.set(rel, e); }
    return e;
  }

  /** The Kconfig files read so far (root-relative): what a cached answer depends on. */
  filesRead(): string[] {
    return [...this.files.keys()];
  }

  private file(rel: string): KFile | null {
    if (this.files.has(rel)) return this.files.get(rel)!;
    let parsed: KFile | null = null;
    try { parsed = parseKconfigSource(fs.readFileSync(path.join(this.root, rel), 'utf8'), rel); } catch { parsed = null; }
    this.files.set(rel, parsed);
    if (parsed) this.index.add(parsed.entries);
    return parsed;
  }
}

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}
