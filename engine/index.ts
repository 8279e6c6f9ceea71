import { CParser, DEFAULT_PARSE_BUDGET_MS } from './syntax/parser';
import { ContractEntry, ContractTable, featureMap } from './analysis/contracts';
import { KERNEL_CONTRACTS } from './analysis/kernel-contracts';
import { factsFromTree, FactsOptions } from './analysis/facts';
import { FileFacts } from './analysis/model';
import { Program } from './analysis/program';

// The one door: the CLI, the language server and the client import the engine only through this module
// (scripts/lint-layers.mjs checks it). Layers, lowest first: syntax/ → analysis/ → files/ → demand/; a layer
// never imports one above it.

// syntax: parsing kernel C, positions, tree queries for quick fixes
export { CParser, packageRoot } from './syntax/parser';
export type { Node, ParsedText } from './syntax/parser';
export * from './syntax/query';

// analysis: contracts, facts, the program and its rules
export * from './analysis/program';
export * from './analysis/model';
export { ContractTable } from './analysis/contracts';
export type { ContractEntry } from './analysis/contracts';
export { EFFECTS, EFFECT_NAMES } from './analysis/effects';
export type { Effect } from './analysis/effects';
export { KERNEL_CONTRACTS } from './analysis/kernel-contracts';
export { factsFromTree, hashText } from './analysis/facts';
export type { Resolved } from './analysis/resolve';
export { RULES, RULE_CODES, helpUri } from './analysis/rules/table';
export type { RuleCode, Severity } from './analysis/rules/table';
export { judge, verdictOf } from './analysis/rules/verdict';
export { explainSink } from './analysis/rules/explain';
export type { SinkExplanation } from './analysis/rules/explain';
export { MEMMAP_RULES, renderReportText, reportModel, reportTotals, seedList, totalsLine, verdictTotals } from './analysis/report';
export type { ReportFile, ReportModel, ReportRow, ReportSection, ReportTotals, ReportTextPaths } from './analysis/report';
export { chainApis, fingerprintBase, fingerprints, lineFree } from './analysis/fingerprint';
export type { Fingerprintable } from './analysis/fingerprint';
export { SUPPRESSION_REASON_PLACEHOLDER, effectiveReason } from './analysis/suppress';
export type { ConfigSuppression } from './analysis/suppress';

// files: the workspace on disk, configuration, versions
export * from './files/workspace';
export * from './files/config';
export { findKernelVersion } from './files/kernel-version';
export { contractsOlderThan, kernelFeaturesFor, newerTreeNote, treeFeatures } from './files/tree-features';
export { macroLookup } from './files/kconfig-macros';
export { archCapabilities, configScopeFor, TreeConfigScope } from './files/arch-caps';
export type { ArchCapability, ConfigValues } from './files/arch-caps';
export type { ConfigScope } from './analysis/config-scope';
export { listingFile, saveListing, savedListing } from './files/listing';
export { INFORMATION_URI, TOOL_NAME, TOOL_VERSION } from './files/tool-version';
export { parseSuppressions } from './files/suppressions';
export { formatKconfigError, isEnabled, kconfigFormat, loadKconfig, parseKconfig, tristate } from './files/kconfig';
export type { KconfigError, KconfigFormat, KconfigSymbol, KernelConfig } from './files/kconfig';

// demand: the whole-tree pipeline (plan, parse threads, disk cache) and findings first for open buffers
export { TreeRun, TreeRunCancelled, auditTree, treePolicy } from './demand/tree-run';
export type { TreePolicy, TreeStats } from './demand/tree-run';
export { serveTreeWorker } from './demand/worker';
export type { TreeWorkerInit } from './demand/worker';
export { cacheDirFromEnv, clearCache, existingCacheDir, treeCacheDir, userCacheBase } from './demand/cache';
export { TreeWorkerCore } from './demand/worker';
export { functionKey } from './demand/plan';
export { PartialFile, focus } from './demand/focus';
export type { FocusStats } from './demand/focus';

export function contractTable(extra: readonly ContractEntry[] = [], kernelVersion?: string, kernelFeatures?: Record<string, boolean>): ContractTable {
  return new ContractTable([...extra, ...KERNEL_CONTRACTS], kernelVersion, featureMap(kernelFeatures));
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

/** Convenience for tests: audit in-memory files as one tree, with the contracts of `kernelVersion` ("X.Y"; every
 *  version's when undefined). */
export async function auditTexts(files: Array<{ path: string; text: string }>, extra: readonly ContractEntry[] = [], kernelVersion?: string) {
  const parser = await CParser.create();
  const contracts = contractTable(extra, kernelVersion);
  const facts = files.map((f) => factsForText(parser, f.path, f.text, contracts));
  parser.delete();
  const program = new Program(facts);
  return { program, facts, result: program.audit() };
}
