// The provenance walk of one function body: flow-sensitive over the AUDIT.md lattice, driven by the contract
// table. Output is plain data (sinks with every value the page may hold there, call sites with their arguments'
// values, returned values); the interprocedural stage (resolve.ts) decides PARAM and RET values later.
//
// Invariant: nothing in walk/ decides by a function's name except through the ContractTable and the effects'
// transfers (effects.ts).
import type { Node } from 'web-tree-sitter';
import { argOf, ContractEntry, ContractTable } from '../contracts';
import { EFFECTS } from '../effects';
import { Env } from '../env';
import { Alt, FnSummary, ParamInfo } from '../model';
import { Walk, WalkOptions } from './context';
import { condition } from './conditions';
import { expression } from './expressions';
import { statement } from './statements';
import { OTHER } from './types';
import type { FileMacro } from './macros';
import { paramObjectType } from './receiver';

export { BudgetExceeded } from './context';
export type { WalkOptions } from './context';

/** Walks one function_definition node. Never throws except BudgetExceeded (caught by the caller). */
export class ProvenanceWalker extends Walk {
  constructor(
    src: string,
    file: string,
    fnName: string,
    params: ParamInfo[],
    paramNodes: Array<Node | null>,
    contracts: ContractTable,
    opts: WalkOptions = {},
    /** Ops-table fields this function is assigned to in its file (`.map_page = f`). */
    opsFields: string[] = [],
    /** What the function's file says beyond its text: page fields of its structs, its macros (facts.ts). */
    fileCx: { pageFields: ReadonlySet<string>; macros: ReadonlyMap<string, FileMacro>; iterators?: ReadonlySet<string> } = { pageFields: new Set(), macros: new Map() },
  ) {
    super(src, file, fnName, contracts, opts);
    this.pageFields = fileCx.pageFields;
    this.macros = fileCx.macros;
    this.iterators = fileCx.iterators ?? new Set();
    // A function that is itself a contract API gets its parameters' state from the contract (put paths,
    // predicates, DMA API entry points); every other parameter is PARAM, decided by the callers.
    const own = [...contracts.lookup(fnName), ...opsFields.flatMap((f) => contracts.lookup(`.${f}`))].filter((e) => !e.fieldOf);
    params.forEach((p, i) => {
      if (p.kind === 'pgmap') this.pgmapParams.set(p.name, i);
      this.paramIndex.set(p.name, i);
      if (p.kind === 'int') this.intParams.add(p.name);
      this.types.set(p.name, p.kind === 'page' || p.kind === 'pages' || p.kind === 'pgmap' || p.kind === 'list' ? { kind: p.kind, tag: p.tag }
        : p.type ? { kind: 'other', typeName: p.type } : paramObjectType(paramNodes[i], src, contracts) ?? (p.struct ? { kind: 'other', struct: p.struct } : OTHER));
      const loc = paramNodes[i] ? this.loc(paramNodes[i]!) : this.fnLoc();
      const contract = definitionContract(own, i);
      const devprivPath = own.find((e) => EFFECTS[e.effect].devprivDefinition && argOf(e) === i);
      let value: Alt[];
      if (contract) {
        const state = EFFECTS[contract.effect].definition!;
        const reason = devprivPath ? `${contract.reason}; ${devprivPath.reason}` : contract.reason;
        value = [{ state, devpriv: devprivPath ? true : undefined, origin: { loc, message: `parameter ${p.name} of ${fnName}(): ${reason}` } }];
      } else if (devprivPath) {
        value = [{ state: 'UNKNOWN', devpriv: true, origin: { loc, message: `parameter ${p.name} of ${fnName}(): ${devprivPath.reason}` } }];
      } else {
        value = [{ state: 'PARAM', param: i, origin: { loc, message: `parameter ${p.name} of ${fnName}()` } }];
      }
      // A list head parameter: its value is what its elements may be (a contract's state, or the callers' elements).
      if (p.kind === 'list') this.env0.lists.set(p.name, value);
      else this.env0.vars.set(p.name, value);
    });
  }

  run(body: Node): Pick<FnSummary, 'sinks' | 'calls' | 'returns' | 'fieldRefs' | 'uses' | 'outs' | 'fieldStores' | 'unlocksPtl'> {
    this.stmt(body, this.env0.clone());
    return {
      unlocksPtl: this.unlocksPtl || undefined,
      outs: this.outs.size ? [...this.outs].map(([param, alts]) => ({ param, alts })) : undefined,
      fieldStores: this.fieldStores.size ? [...this.fieldStores].map(([field, alts]) => ({ field, alts })) : undefined,
      sinks: [...this.sinks.values()],
      calls: this.callOrder,
      returns: this.returns,
      fieldRefs: this.fieldRefs,
      uses: this.opts.collectUses ? [...this.uses.values()] : undefined,
    };
  }

  stmt(n: Node, env: Env | null): Env | null {
    // Unreachable code can still hold a label that a goto jumps to.
    if (!env && n.type !== 'labeled_statement' && n.type !== 'compound_statement' && n.type !== 'case_statement') return null;
    this.tick();
    if (!this.enter()) return env;
    try {
      return statement(this, n, env);
    } finally {
      this.depth--;
    }
  }

  cond(n: Node, env: Env): [Env | null, Env | null] {
    this.tick();
    if (!this.enter()) return [env, env.clone()];
    try {
      return condition(this, n, env);
    } finally {
      this.depth--;
    }
  }

  expr(n: Node, env: Env): Alt[] | undefined {
    this.tick();
    if (!this.enter()) return undefined;
    try {
      return expression(this, n, env);
    } finally {
      this.depth--;
    }
  }

  /** One level deeper; false (and `truncated`) past maxDepth: deeper code is cut off and reported. */
  private enter(): boolean {
    if (++this.depth > this.maxDepth) { this.depth--; this.truncated = true; return false; }
    return true;
  }
}

/** The definition entry for parameter `i`: an explicit parameter contract beats a weak one (a predicate's). */
function definitionContract(entries: ContractEntry[], i: number): ContractEntry | undefined {
  const defs = entries.filter((e) => EFFECTS[e.effect].definition && argOf(e) === i);
  return defs.find((e) => !EFFECTS[e.effect].weakDefinition) ?? defs[0];
}
