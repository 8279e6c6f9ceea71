// Shared by the engine tests: audit a directory of C files as one tree, in-process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditTexts, ContractEntry } from '../engine/index';
import { walkCFiles, readSource, toPosix } from '../engine/files/workspace';

/** Audits every C file under `dir` as one tree, with the built-in contracts and `extra` ones. */
export async function auditDir(dir: string, extra: readonly ContractEntry[] = []) {
  const { files } = walkCFiles(dir);
  const inputs = files.map((f) => {
    const r = readSource(f);
    return { path: toPosix(path.relative(dir, f)), text: 'text' in r ? r.text : '' };
  });
  return { ...(await auditTexts(inputs, extra)), inputs };
}

export const ROOT = path.resolve(__dirname, '..');
export function exists(p: string): boolean { return fs.existsSync(p); }
