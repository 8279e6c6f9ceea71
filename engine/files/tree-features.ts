// What the audited tree itself says about the contract boundaries whose release number is uncertain
// (kernel-contracts-7.ts TREE_FEATURES: leafops.h, page_pgmap(), pte_devmap). Read from the kernel root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TREE_FEATURES } from '../analysis/kernel-contracts-7';
import { CONTRACTS_CHECKED_THROUGH } from '../analysis/kernel-contracts-7';
import { inVersion } from '../analysis/contracts';
import { findKernelVersion } from './kernel-version';

/**
 * Feature name → present, for the features the tree can answer: a tree without include/linux/ (a slice copied
 * out of a kernel) answers none, and the version alone decides.
 */
export function treeFeatures(kernelRoot: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!isDir(path.join(kernelRoot, 'include', 'linux'))) return out;
  for (const f of TREE_FEATURES) {
    let text: string | undefined;
    try { text = fs.readFileSync(path.join(kernelRoot, f.file), 'utf8'); } catch { text = undefined; }
    if (f.text === undefined) out.set(f.name, text !== undefined);
    else if (text !== undefined) out.set(f.name, text.includes(f.text));
  }
  return out;
}

/** The features of the kernel tree around `auditRoot` (its top Makefile's directory), as a plain object. */
export function kernelFeaturesFor(auditRoot: string): Record<string, boolean> | undefined {
  const makefile = findKernelVersion(auditRoot)?.makefile;
  if (!makefile) return undefined;
  const f = treeFeatures(path.dirname(makefile));
  return f.size ? Object.fromEntries(f) : undefined;
}

/** The newest release the contract table was checked against, when `version` is newer (else undefined). */
export function contractsOlderThan(version: string | undefined): string | undefined {
  if (!version || inVersion(version, undefined, CONTRACTS_CHECKED_THROUGH)) return undefined;
  return CONTRACTS_CHECKED_THROUGH;
}

/** The one line a front end shows when the tree is newer than the contracts. */
export function newerTreeNote(version: string, newest: string): string {
  return `Linux ${version} is newer than ${newest}, the newest kernel pagecheck's API contracts were checked against: an API added since is followed through its definition when the tree has one, and a page pagecheck cannot follow is "unknown", never "safe"`;
}

function isDir(p: string): boolean {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}
