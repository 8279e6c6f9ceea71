// Which files to audit, and the root their paths are reported against: the directory when one directory is
// given, otherwise the common parent of all the path arguments (INTERFACES.md, "CLI").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WalkResult, matchesAny, toPosix, walkCFiles } from '../engine';
import { existingCacheDir } from '../engine';
import { listingFile, saveListing, savedListing } from '../engine';

export class InputError extends Error {}

export interface Inputs {
  /** Absolute root. */
  root: string;
  /** The root as the user would type it (the directory argument itself when one is given). */
  rootDisplay: string;
  files: Array<{ file: string; rel: string }>;
  /** How many files the ignore globs removed. */
  ignored: number;
  /** Directories that could not be read (not fatal). */
  warnings: string[];
  /** The listing came from the cache (engine/files/listing.ts): no directory changed since it was saved. */
  listingReused?: boolean;
  /** Saves this run's walk of the root in the cache directory `dir`, for the next run to reuse. */
  keepListing?(dir: string): void;
}

/** The root for a list of path arguments; throws InputError naming a path that does not exist. */
export function findRoot(paths: readonly string[], cwd: string): { root: string; rootDisplay: string; kinds: Array<'dir' | 'file'> } {
  const kinds: Array<'dir' | 'file'> = [];
  const abs = paths.map((p) => path.resolve(cwd, p));
  abs.forEach((a, i) => {
    let st: fs.Stats;
    try { st = fs.statSync(a); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`${paths[i]}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    }
    kinds.push(st.isDirectory() ? 'dir' : 'file');
  });
  if (paths.length === 1 && kinds[0] === 'dir') return { root: abs[0], rootDisplay: paths[0], kinds };
  // A directory argument contributes itself, a file its directory; the root is their longest common prefix.
  const dirs = abs.map((a, i) => (kinds[i] === 'dir' ? a : path.dirname(a)));
  let root = dirs[0];
  for (const d of dirs.slice(1)) root = commonDir(root, d);
  return { root, rootDisplay: display(root, cwd), kinds };
}

function commonDir(a: string, b: string): string {
  const pa = a.split(path.sep);
  const pb = b.split(path.sep);
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return pa.slice(0, n).join(path.sep) || path.parse(a).root;
}

/** A directory as the user would write it: relative to the working directory when it is inside it. */
export function display(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/** Every C file under the path arguments, deduplicated, minus the ignore globs (matched on root-relative paths). */
export function collectFiles(paths: readonly string[], cwd: string, ignore: readonly string[]): Inputs {
  const { root, rootDisplay, kinds } = findRoot(paths, cwd);
  const warnings: string[] = [];
  const seen = new Set<string>();
  const files: Inputs['files'] = [];
  let ignored = 0;
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Under the root (the common case, 55,000 times for a kernel tree): a slice, not path.relative().
    const rel = file.startsWith(root) && file[root.length] === path.sep ? toPosix(file.slice(root.length + 1)) : toPosix(path.relative(root, file));
    if (ignore.length && matchesAny(rel, ignore)) { ignored++; return; }
    files.push({ file, rel });
  };
  let listingReused = false;
  let keepListing: Inputs['keepListing'];
  paths.forEach((p, i) => {
    const abs = path.resolve(cwd, p);
    if (kinds[i] === 'file') { add(abs); return; }
    // Pruning ignored directories while walking is only exact when the walk starts at the root.
    const opts = { ignore: abs === root ? ignore : [] };
    let walk: WalkResult | undefined;
    if (paths.length === 1 && abs === root) {
      // One tree: a warm run reuses the last listing while no directory changed (engine/files/listing.ts).
      const cacheDir = existingCacheDir(root);
      walk = cacheDir ? savedListing(listingFile(cacheDir, root, opts), root, opts) : undefined;
      listingReused = !!walk;
      if (!walk) {
        const at = Date.now();
        const fresh = walkCFiles(abs, { ...opts, recordDirs: true });
        keepListing = (dir) => saveListing(listingFile(dir, root, opts), root, opts, fresh, at);
        walk = fresh;
      }
    }
    walk ??= walkCFiles(abs, opts);
    warnings.push(...walk.errors);
    walk.files.forEach(add);
  });
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { root, rootDisplay, files, ignored, warnings, listingReused, keepListing };
}
