// Public surface of the engine for front ends and tests.
import { CParser, DEFAULT_PARSE_BUDGET_MS } from './syntax/parser';
import { ContractEntry, ContractTable } from './analysis/contracts';
import { KERNEL_CONTRACTS } from './analysis/kernel-contracts';
import { factsFromTree, FactsOptions } from './analysis/facts';
import { FileFacts } from './analysis/model';
import { Program } from './audit';

export * from './audit';
export * from './analysis/model';
export { CParser } from './syntax/parser';
export { ContractTable } from './analysis/contracts';
export { KERNEL_CONTRACTS } from './analysis/kernel-contracts';
export { factsFromTree } from './analysis/facts';
export { RULES, RULE_CODES, helpUri } from './analysis/rules/table';
export type { RuleCode, Severity } from './analysis/rules/table';
export type { ContractEntry, Effect } from './analysis/contracts';

export function contractTable(extra: readonly ContractEntry[] = [], kernelVersion?: string): ContractTable {
  return new ContractTable([...extra, ...KERNEL_CONTRACTS], kernelVersion);
}

/** Parses and summarises one file's text; the tree is deleted before returning. */
export function factsForText(parser: CParser, file: string, text: string, contracts: ContractTable, opts: FactsOptions = {}): FileFacts {
  // The parse has its own budget (a file budget below it would cut every file before its first function).
  const parsed = parser.parse(text, undefined, undefined, Math.max(opts.fileBudgetMs ?? 0, DEFAULT_PARSE_BUDGET_MS));
  if (!parsed) {
    return { file, hash: '', functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0, lines: 0, suppressions: [], skipped: parser.lastFailure ?? 'the parser failed on this file' };
  }
  try {
    return factsFromTree(parsed.tree, file, text, contracts, opts);
  } finally {
    parsed.tree.delete();
  }
}

/** Convenience for tests: audit in-memory files as one tree. */
export async function auditTexts(files: Array<{ path: string; text: string }>, extra: readonly ContractEntry[] = []) {
  const parser = await CParser.create();
  const contracts = contractTable(extra);
  const facts = files.map((f) => factsForText(parser, f.path, f.text, contracts));
  parser.delete();
  const program = new Program(facts);
  return { program, facts, result: program.audit() };
}
