// Finding and reading source files. Bad input never throws from here: a file that cannot be used comes back
// with a one-line reason, so a 55,000-file tree with one binary file in it still gets audited.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
/**
 * The most maxFileSize may be set to: a 50 MB file took 78 s and 3.5 GB to parse and summarise. The biggest file
 * of Linux 6.1 is a 24 MB register header.
 */
export const MAX_FILE_BYTES_CEILING = 32 * 1024 * 1024;

export type SourceRead = { text: string } | { skipped: string };

/** Reads a C file as text, or says in one line why it was skipped (missing, unreadable, binary, too large). */
export function readSource(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): SourceRead {
  let buf: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { skipped: 'not a regular file' };
    if (st.size > maxBytes) return { skipped: `skipped: ${(st.size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit (maxFileSize)` };
    buf = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { skipped: code === 'ENOENT' ? 'skipped: the file was deleted' : code === 'EACCES' ? 'skipped: permission denied' : `skipped: ${(e as Error).message}` };
  }
  return decodeSource(buf);
}

/** Binary detection: a NUL byte in the first 8 KiB, or mostly invalid UTF-8. */
export function decodeSource(buf: Buffer): SourceRead {
  const head = buf.subarray(0, 8192);
  if (head.includes(0)) return { skipped: 'skipped: binary file (NUL bytes)' };
  const text = buf.toString('utf8');
  if (text.length > 0) {
    let bad = 0;
    for (let i = text.indexOf('\uFFFD'); i >= 0 && bad < 1000; i = text.indexOf('\uFFFD', i + 1)) bad++;
    if (bad > 64 && bad > text.length / 100) return { skipped: 'skipped: binary file (not UTF-8 text)' };
  }
  return { text };
}

export interface WalkOptions {
  /** Glob patterns relative to the root (`drivers/staging/**`, `**\/*.mod.c`). */
  ignore?: readonly string[];
  /** Stop after this many files (the editor's index budget). */
  maxFiles?: number;
  /** Checked between directories: return true to stop. */
  cancelled?: () => boolean;
  /** Record every directory read and its mtime (taken before reading it), for engine/files/listing.ts. */
  recordDirs?: boolean;
}

export interface WalkResult {
  files: string[];
  truncated: boolean;
  errors: string[];
  /** With `recordDirs`: the directories read, and their mtimes (ms) from just before each was read. */
  dirs?: Array<[string, number]>;
}

export const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.pagecheck-cache', '.editor-test', '.kernel']);

/** Every .c/.h file under `root`, sorted, following no directory twice (symlink loops end here). */
export function walkCFiles(root: string, opts: WalkOptions = {}): WalkResult {
  const files: string[] = [];
  const errors: string[] = [];
  const dirs: Array<[string, number]> | undefined = opts.recordDirs ? [] : undefined;
  const seen = new Set<string>();
  const ignore = (opts.ignore ?? []).map(globToRegExp);
  // Real paths are resolved once, at the root and at symbolic links; below a real directory a child's real path is
  // its parent's plus its name (a 55,000-file tree walks in a fraction of the time realpath-per-directory takes).
  let rootReal: string | undefined;
  try { rootReal = fs.realpathSync(root); } catch { errors.push(`${root}: cannot resolve`); }
  const stack: Array<{ dir: string; real: string; rel: string }> = rootReal === undefined ? [] : [{ dir: root, real: rootReal, rel: '' }];
  let truncated = false;
  while (stack.length) {
    if (opts.cancelled?.()) { truncated = true; break; }
    const { dir, real, rel: relDir } = stack.pop()!;
    if (seen.has(real)) continue;
    seen.add(real);
    let entries: fs.Dirent[];
    // The mtime first: a file created after it changes it, so a listing reused on an unchanged mtime is never stale.
    if (dirs) { const st = fs.statSync(dir, { throwIfNoEntry: false }); dirs.push([dir, st ? st.mtimeMs : -1]); }
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { errors.push(`${dir}: ${(e as Error).message}`); continue; }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const ent of entries) {
      const full = path.join(dir, ent.name);
      const rel = relDir ? `${relDir}/${ent.name}` : ent.name;
      if (ignore.length && ignore.some((re) => re.test(rel))) continue;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let childReal: string | undefined;
      if (ent.isSymbolicLink()) {
        try { const st = fs.statSync(full); isDir = st.isDirectory(); isFile = st.isFile(); } catch { continue; }
        if (isDir) { try { childReal = fs.realpathSync(full); } catch { errors.push(`${full}: cannot resolve`); continue; } }
      }
      if (isDir) { if (!SKIP_DIRS.has(ent.name)) stack.push({ dir: full, real: childReal ?? path.join(real, ent.name), rel }); continue; }
      if (isFile && /\.[ch]$/.test(ent.name)) {
        if (opts.maxFiles !== undefined && files.length >= opts.maxFiles) { truncated = true; continue; }
        files.push(full);
      }
    }
  }
  files.sort();
  return { files, truncated, errors, dirs };
}

/**
 * The name of a file in a workspace of folders (the language server's names): its path relative to the most
 * specific folder holding it, with that folder's prefix (`''` for a single folder, `name/` for several).
 */
export function nameInFolders(folders: ReadonlyArray<{ fsPath: string; prefix: string }>, file: string): string | undefined {
  const abs = path.resolve(file);
  let best: { fsPath: string; prefix: string; rel: string } | undefined;
  for (const f of folders) {
    const rel = path.relative(f.fsPath, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (!best || f.fsPath.length > best.fsPath.length) best = { ...f, rel };
  }
  return best ? best.prefix + toPosix(best.rel) : undefined;
}

export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** A compiled glob: `test(rel)` on a root-relative `/` path. */
export interface GlobMatcher {
  test(rel: string): boolean;
}

type GlobToken = { k: 'dirs' | 'any' | 'star' | 'one' } | { k: 'lit'; c: string };

/**
 * `*` within a segment, `**` across segments, `?` one character; a pattern without `/` matches any basename; a
 * pattern matching a directory matches everything under it.
 *
 * Not a RegExp: globs come from `.pagecheck.json` and the editor settings, and a backtracking regex of a glob like
 * `**∕**∕**∕…∕x` or `*a*a*a*a*…b` takes exponential time on a path that does not match — a workspace could hang
 * the indexer. This matcher is a dynamic program over (pattern token, path position): O(pattern × path), always.
 */
export function globToRegExp(glob: string): GlobMatcher {
  let g = glob.trim().replace(/^\.\//, '');
  if (!g.includes('/')) g = `**/${g}`;
  const toks: GlobToken[] = [];
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      toks.push({ k: g[i + 2] === '/' ? 'dirs' : 'any' });
      i += g[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') toks.push({ k: 'star' });
    else if (c === '?') toks.push({ k: 'one' });
    else toks.push({ k: 'lit', c });
  }
  return { test: (rel: string) => matchGlob(toks, rel) };
}

function matchGlob(toks: readonly GlobToken[], s: string): boolean {
  const n = s.length;
  // next[j]: the tokens after the current one match s[j…] (followed by nothing or by `/…`).
  let next = new Uint8Array(n + 2);
  for (let j = 0; j <= n; j++) next[j] = j === n || s[j] === '/' ? 1 : 0;
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i];
    const cur = new Uint8Array(n + 2);
    let acc = 0; // some k ≥ j with s[k] === '/' and next[k + 1] (for `**/`)
    for (let j = n; j >= 0; j--) {
      const ch = j < n ? s[j] : '';
      switch (t.k) {
        case 'lit': cur[j] = j < n && ch === t.c && next[j + 1] ? 1 : 0; break;
        case 'one': cur[j] = j < n && ch !== '/' && next[j + 1] ? 1 : 0; break;
        case 'star': cur[j] = next[j] || (j < n && ch !== '/' && cur[j + 1]) ? 1 : 0; break;
        case 'any': cur[j] = next[j] || (j < n && cur[j + 1]) ? 1 : 0; break;
        case 'dirs':
          if (j < n && ch === '/' && next[j + 1]) acc = 1;
          cur[j] = next[j] || acc ? 1 : 0;
          break;
      }
    }
    next = cur;
  }
  return next[0] === 1;
}

export function matchesAny(rel: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(rel));
}
