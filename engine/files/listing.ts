// A tree's file listing, kept next to the disk cache and reused while no directory changed: creating, deleting or
// renaming an entry changes its directory's mtime, so the stat of every directory read (~4,500 on Linux 6.1, a
// few ms) replaces the walk (~0.4 s: readdir of every directory, 55,000 entries) in a warm run. Edits inside a file
// do not change its directory; engine/demand/tree-run.ts fingerprints every file anyway.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { SKIP_DIRS, WalkOptions, WalkResult } from './workspace';

/** A directory modified this close to when it was read may have a coarse mtime that hides a later change. */
const SETTLED_MS = 2000;

interface Saved {
  key: string;
  /** When the walk started (ms). */
  at: number;
  dirs: Array<[string, number]>;
  files: string[];
  truncated: boolean;
  errors: string[];
}

/** The listing file for `root` walked with `opts`, in a cache directory. */
export function listingFile(cacheDir: string, root: string, opts: WalkOptions): string {
  return path.join(cacheDir, `listing-${createHash('sha1').update(keyOf(root, opts)).digest('hex').slice(0, 16)}.v8`);
}

function keyOf(root: string, opts: WalkOptions): string {
  return JSON.stringify([path.resolve(root), opts.ignore ?? [], opts.maxFiles ?? null, [...SKIP_DIRS]]);
}

/** The saved listing, when every directory it read still has the mtime it had; else undefined. */
export function savedListing(file: string, root: string, opts: WalkOptions): WalkResult | undefined {
  const saved = load(file);
  if (!saved || saved.key !== keyOf(root, opts) || !unchanged(saved)) return undefined;
  return { files: saved.files, truncated: saved.truncated, errors: saved.errors };
}

/** Keeps a walk made with `recordDirs` (started at `at`, ms) for savedListing(). Best effort. */
export function saveListing(file: string, root: string, opts: WalkOptions, walk: WalkResult, at: number): void {
  if (!walk.dirs || walk.truncated) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, v8.serialize({ key: keyOf(root, opts), at, dirs: walk.dirs, files: walk.files, truncated: walk.truncated, errors: walk.errors } satisfies Saved));
    fs.renameSync(tmp, file);
  } catch { /* a read-only cache: the next run walks again */ }
}

function load(file: string): Saved | undefined {
  try {
    const v = v8.deserialize(fs.readFileSync(file)) as Saved;
    return v && typeof v.key === 'string' && Array.isArray(v.dirs) && Array.isArray(v.files) ? v : undefined;
  } catch {
    return undefined;
  }
}

function unchanged(saved: Saved): boolean {
  for (const [dir, mtime] of saved.dirs) {
    if (mtime < 0 || mtime > saved.at - SETTLED_MS) return false;
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (!st || st.mtimeMs !== mtime) return false;
  }
  return true;
}
