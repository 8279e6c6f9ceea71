// The on-disk cache of the demand-driven audit, so a second run over an unchanged tree (or the editor opening a tree
// the CLI already audited) starts warm. Keyed by pagecheck's version, the contract table in force, the cache format
// and the running code's own hash; entries inside are keyed by file content hash (with a stat fingerprint — size, mtime, inode — in front,
// so an unchanged tree is recognised without reading it, as git does).
//
//   <dir>/<key>/tokens.bin   every file's identifier hashes (engine/demand/scan.ts) by fingerprint, to re-plan after an edit
//   <dir>/<key>/state.v8     the file list with fingerprints, and the facts of the files the last plan parsed
//
// Where: $XDG_CACHE_HOME/pagecheck/<key of the tree> (~/.cache when unset), never inside the user's tree (an audit
// leaves no litter for `git status`); PAGECHECK_CACHE_DIR=DIR puts it in DIR instead, PAGECHECK_CACHE=0 turns it off
// (docs/cache.md). Writes go to a temporary file renamed into place: a run killed halfway, or two runs at once, leave
// the previous cache or the new one, never a torn one. Anything unreadable is ignored (cold start).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { createHash } from 'node:crypto';
import { ContractTable } from '../analysis/contracts';
import { FileFacts } from '../analysis/model';
import { FileTokens } from './scan';

/** Bump when the scanner, the plan, or the shape of cached facts changes. */
export const CACHE_FORMAT = 6;

export interface FileStamp {
  rel: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Content hash when it was computed ('' otherwise: a cold scan hashes nothing, the fingerprint stands for it). */
  hash: string;
  skipped?: string;
  patternHit?: boolean;
}

/** What a file's cached facts were summarised for (a ParseJob's selection, accumulated). */
export interface FactsEntry {
  /** The fingerprint of the file the facts were made from (size:mtime:inode). */
  stamp: string;
  /** Its content hash (sha1 of the bytes): a touched file with the same content keeps its facts. */
  hash: string;
  mentions: string[];
  defs: string[];
  seed: boolean;
  /** Every function is summarised: the entry covers any job. */
  whole?: boolean;
  facts?: FileFacts;
  skipped?: string;
}

export interface CacheState {
  /**
   * The fingerprints of the files, in the order saved. Kept on disk as columns (one string of names, typed arrays of
   * numbers: 55,000 objects cost a warm kernel run ~1 s of deserialising and garbage collection) and made into
   * objects on first use: a run that reuses the last plan whole never asks.
   */
  readonly files: FileStamp[];
  /** The files the saved run skipped, with why. */
  readonly skipped: Array<{ rel: string; reason: string }>;
  /** rel → facts of every file a plan parsed (content hash inside). */
  facts: Map<string, FactsEntry>;
  /** rel of the files the last complete plan parsed, when `files` is exactly the tree it planned over with `policy`. */
  lastPlan?: { parsed: string[]; filesDigest: string; policy: string; everything?: boolean };
}

export function cacheKey(version: string, contracts: ContractTable): string {
  const h = createHash('sha1');
  h.update(`pagecheck ${version} format ${CACHE_FORMAT} code ${codeStamp()}\n`);
  h.update(JSON.stringify(contracts.entries()));
  return h.digest('hex').slice(0, 16);
}

let stamp: string | undefined;

/**
 * The engine's own identity: a change to the parser, the rewrite or the analysis (version bumped or not) starts a
 * fresh cache instead of reusing facts an older engine made. scripts/build.mjs stamps the bundles with a hash of
 * engine/ and the grammar (the CLI and the server share a cache); from sources, the file this runs from stands in.
 */
function codeStamp(): string {
  if (stamp === undefined) {
    stamp = process.env.PAGECHECK_ENGINE_STAMP;
    if (!stamp) try { stamp = createHash('sha1').update(fs.readFileSync(__filename)).digest('hex').slice(0, 12); } catch { stamp = 'unknown'; }
  }
  return stamp;
}

/** The cache base the environment asks for: PAGECHECK_CACHE=0 none, PAGECHECK_CACHE_DIR a directory, else the default. */
export function cacheDirFromEnv(): string | false | undefined {
  return process.env.PAGECHECK_CACHE === '0' ? false : process.env.PAGECHECK_CACHE_DIR || undefined;
}

/** Every tree's cache lives under this base by default: $XDG_CACHE_HOME/pagecheck, or ~/.cache/pagecheck. */
export function userCacheBase(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  // The XDG spec: a relative path is invalid and is ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'pagecheck');
}

/** A tree's directory under a cache base: the tree's last path part (for people) and a hash of its absolute path. */
export function treeCacheDir(root: string, base: string = userCacheBase()): string {
  const abs = path.resolve(root);
  const label = path.basename(abs).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'root';
  return path.join(base, `${label}-${createHash('sha1').update(abs).digest('hex').slice(0, 16)}`);
}

/** What treeCacheDir() names: only such entries are ever removed from a cache base. */
const TREE_DIR = /^[A-Za-z0-9._-]{1,40}-[0-9a-f]{16}$/;

/** Where the cache of `root` is, if it exists already (nothing is created). */
export function existingCacheDir(root: string): string | undefined {
  const env = cacheDirFromEnv();
  if (env === false) return undefined;
  const dir = treeCacheDir(root, env || userCacheBase());
  return fs.existsSync(dir) ? dir : undefined;
}

/**
 * Removes the cache of the tree at `root`, or with `root` undefined the cache of every tree (in the base the
 * environment names, else the user's cache directory). Only directories treeCacheDir() names are removed, never
 * anything else a base may hold. Returns the directories removed.
 */
export function clearCache(root?: string): string[] {
  const env = cacheDirFromEnv();
  if (env === false) return [];
  const base = env || userCacheBase();
  let dirs: string[];
  if (root !== undefined) dirs = [treeCacheDir(root, base)];
  else {
    try { dirs = fs.readdirSync(base).filter((n) => TREE_DIR.test(n)).map((n) => path.join(base, n)); } catch { dirs = []; }
  }
  const removed = dirs.filter((d) => fs.existsSync(d));
  for (const d of removed) fs.rmSync(d, { recursive: true, force: true });
  return removed;
}

/** A file's fingerprint: size, mtime, inode. */
export function stampKey(s: Pick<FileStamp, 'size' | 'mtimeMs' | 'ino'>): string {
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/** Digest of a file list with fingerprints: equal digests mean an unchanged tree (same files, same stats). */
export function filesDigest(files: readonly FileStamp[]): string {
  // One hash update per ~64k characters, not one per file (55,000 native calls).
  const h = createHash('sha1');
  let chunk = '';
  for (const f of files) {
    chunk += `${f.rel}\0${f.size}\0${f.mtimeMs}\0${f.ino}\n`;
    if (chunk.length > 65536) { h.update(chunk); chunk = ''; }
  }
  h.update(chunk);
  return h.digest('base64');
}

/** CacheState as it is stored: the fingerprints as columns. */
interface SavedState {
  rel: string;
  size: Float64Array;
  mtimeMs: Float64Array;
  ino: Float64Array;
  /** Content hashes joined by NUL ('' where none was computed). */
  hash: string;
  skipped: Array<[number, string]>;
  patternHit: number[];
  facts: CacheState['facts'];
  lastPlan?: CacheState['lastPlan'];
}

function toSaved(state: Pick<CacheState, 'files' | 'facts' | 'lastPlan'>): SavedState {
  const n = state.files.length;
  const size = new Float64Array(n);
  const mtimeMs = new Float64Array(n);
  const ino = new Float64Array(n);
  const skipped: Array<[number, string]> = [];
  const patternHit: number[] = [];
  state.files.forEach((f, i) => {
    size[i] = f.size; mtimeMs[i] = f.mtimeMs; ino[i] = f.ino;
    if (f.skipped) skipped.push([i, f.skipped]);
    if (f.patternHit) patternHit.push(i);
  });
  return {
    rel: state.files.map((f) => f.rel).join('\0'), size, mtimeMs, ino, hash: state.files.map((f) => f.hash).join('\0'),
    skipped, patternHit, facts: state.facts, lastPlan: state.lastPlan,
  };
}

function fromSaved(saved: SavedState): CacheState | undefined {
  if (typeof saved?.rel !== 'string' || !(saved.size instanceof Float64Array) || !(saved.facts instanceof Map)) return undefined;
  const rels = saved.size.length ? saved.rel.split('\0') : [];
  let files: FileStamp[] | undefined;
  return {
    get files() {
      if (!files) {
        const hashes = saved.hash.split('\0');
        files = rels.map((rel, i) => ({ rel, size: saved.size[i], mtimeMs: saved.mtimeMs[i], ino: saved.ino[i], hash: hashes[i] ?? '' }));
        for (const [i, reason] of saved.skipped) files[i].skipped = reason;
        for (const i of saved.patternHit) files[i].patternHit = true;
      }
      return files;
    },
    skipped: saved.skipped.map(([i, reason]) => ({ rel: rels[i], reason })),
    facts: saved.facts,
    lastPlan: saved.lastPlan,
  };
}

export class DiskCache {
  readonly dir: string;

  constructor(baseDir: string, key: string) {
    this.dir = path.join(baseDir, key);
  }

  /** Whether a state was saved (loadState() may still find it unreadable). */
  hasState(): boolean {
    return fs.existsSync(path.join(this.dir, 'state.v8'));
  }

  loadState(): CacheState | undefined {
    try {
      return fromSaved(v8.deserialize(fs.readFileSync(path.join(this.dir, 'state.v8'))) as SavedState);
    } catch {
      return undefined;
    }
  }

  saveState(state: Pick<CacheState, 'files' | 'facts' | 'lastPlan'>): void {
    this.write('state.v8', v8.serialize(toSaved(state)));
  }

  /** Tokens of the files in `stamps` order (undefined where none were stored). */
  loadTokens(stamps: readonly FileStamp[]): Array<FileTokens | undefined> | undefined {
    let buf: Buffer;
    try { buf = fs.readFileSync(path.join(this.dir, 'tokens.bin')); } catch { return undefined; }
    // Typed views need 4-byte alignment.
    if (buf.byteOffset % 4 !== 0) buf = Buffer.from(new Uint8Array(buf));
    try {
      const headerLen = buf.readUInt32LE(0);
      const header = JSON.parse(buf.toString('utf8', 4, 4 + headerLen)) as { rel: string[]; stamp: string[]; n: number[] };
      const offset = align4(4 + headerLen);
      const byKey = new Map<string, FileTokens>();
      const words = new Uint32Array(buf.buffer, buf.byteOffset + offset, (buf.length - offset) >>> 2);
      let w = 0;
      for (let k = 0; k < header.rel.length; k++) {
        const ni = header.n[2 * k];
        const nd = header.n[2 * k + 1];
        const idents = words.slice(w, w + ni);
        const defs = words.slice(w + ni, w + ni + nd);
        w += ni + nd;
        byKey.set(`${header.rel[k]}\0${header.stamp[k]}`, { idents, defs });
      }
      return stamps.map((s) => byKey.get(`${s.rel}\0${stampKey(s)}`));
    } catch {
      return undefined;
    }
  }

  saveTokens(stamps: readonly FileStamp[], tokens: ReadonlyArray<FileTokens | undefined>): void {
    const rel: string[] = [];
    const stamp: string[] = [];
    const n: number[] = [];
    let words = 0;
    stamps.forEach((s, k) => {
      const t = tokens[k];
      if (!t) return;
      rel.push(s.rel);
      stamp.push(stampKey(s));
      n.push(t.idents.length, t.defs.length);
      words += t.idents.length + t.defs.length;
    });
    const header = Buffer.from(JSON.stringify({ rel, stamp, n }), 'utf8');
    const start = align4(4 + header.length);
    const out = Buffer.alloc(start + words * 4);
    out.writeUInt32LE(header.length, 0);
    header.copy(out, 4);
    const view = new Uint32Array(out.buffer, out.byteOffset + start, words);
    let w = 0;
    for (const t of tokens) {
      if (!t) continue;
      view.set(t.idents, w);
      w += t.idents.length;
      view.set(t.defs, w);
      w += t.defs.length;
    }
    this.write('tokens.bin', out);
  }

  private write(name: string, data: Buffer): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = path.join(this.dir, `.${name}.${process.pid}.${Date.now()}`);
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, path.join(this.dir, name));
    } catch {
      // A cache that cannot be written only costs the next run its warm start.
    }
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
