// Shared by the engine tests: audit a directory of C files as one tree, in-process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditTexts, ContractEntry } from '../engine/index';
import { walkCFiles, readSource, toPosix } from '../engine/files/workspace';
import { readMakefileVersion } from '../engine/files/kernel-version';

/**
 * Audits `dir` as the CLI would: every C file under it as one tree, with the contracts of the kernel version its top
 * Makefile names (`examples/` is 5.4), or of `kernelVersion` when given (every version's contracts when neither
 * says), plus `extra` ones (a fixture directory's `.pagecheck.json`).
 */
export async function auditDir(dir: string, kernelVersion?: string, extra: readonly ContractEntry[] = []) {
  const version = kernelVersion ?? readMakefileVersion(path.join(dir, 'Makefile'));
  const { files } = walkCFiles(dir);
  const inputs = files.map((f) => {
    const r = readSource(f);
    return { path: toPosix(path.relative(dir, f)), text: 'text' in r ? r.text : '' };
  });
  return { ...(await auditTexts(inputs, extra, version)), inputs, version };
}

export const ROOT = path.resolve(__dirname, '..');
export function exists(p: string): boolean { return fs.existsSync(p); }
