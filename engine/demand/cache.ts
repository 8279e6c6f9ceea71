// The on-disk cache of the demand-driven audit, so a second run over an unchanged tree (or the editor opening a tree
// the CLI already audited) starts warm. Keyed by pagecheck's version, the contract table in force, the cache format
// and the running code's own hash; entries inside are keyed by file content hash (with a stat fingerprint — size, mtime, inode — in front,
// so an unchanged tree is recognised without reading it, as git does).
//
//   <dir>/<key>/tokens.bin   every file's identifier hashes (engine/demand/scan.ts) by fingerprint, to re-plan after an edit
//   <dir>/<key>/state.v8     the file list with fingerprints, and the facts of the files the last plan parsed
//
// Where: `.pagecheck-cache/` under the audited root when it can be written, else $XDG_CACHE_HOME/pagecheck/<root
// hash> (~/.cache when unset). Writes go to a temporary file renamed into place: a run killed halfway, or two runs
// at once, leave the previous cache or the new one, never a torn one. Anything unreadable is ignored (cold start).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { createHash } from 'node:crypto';
import { ContractTable } from '../analysis/contracts';
import { FileFacts } from '../analysis/model';
import { FileTokens } from './scan';

/** Bump when the scanner, the plan, or the shape of cached facts changes. */
export const CACHE_FORMAT = 4;

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
  facts?: FileFacts;
  skipped?: string;
}

export interface CacheState {
  files: FileStamp[];
  /** rel → facts of every file a plan parsed (content hash inside). */
  facts: Map<string, FactsEntry>;
  /** rel of the files the last complete plan parsed, when `files` is exactly the tree it planned over. */
  lastPlan?: { parsed: string[]; filesDigest: string };
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

/** The cache directory the environment asks for: PAGECHECK_CACHE=0 none, PAGECHECK_CACHE_DIR a directory, else the default. */
export function cacheDirFromEnv(): string | false | undefined {
  return process.env.PAGECHECK_CACHE === '0' ? false : process.env.PAGECHECK_CACHE_DIR || undefined;
}

/** Where the cache of `root` is, if it exists already (nothing is created): the environment's, else the default's. */
export function existingCacheDir(root: string): string | undefined {
  const env = cacheDirFromEnv();
  if (env === false) return undefined;
  const candidates = env ? [env] : [path.join(root, '.pagecheck-cache'), userCacheDir(root)];
  return candidates.find((d) => fs.existsSync(d));
}

/** The cache directory for a root: `<root>/.pagecheck-cache` if writable, else under $XDG_CACHE_HOME. */
export function defaultCacheDir(root: string): string {
  const local = path.join(root, '.pagecheck-cache');
  try {
    fs.mkdirSync(local, { recursive: true });
    fs.accessSync(local, fs.constants.W_OK);
    return local;
  } catch {
    return userCacheDir(root);
  }
}

/** A root's cache under $XDG_CACHE_HOME (for a tree the user cannot write to). */
function userCacheDir(root: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'pagecheck', createHash('sha1').update(path.resolve(root)).digest('hex').slice(0, 16));
}

/** A file's fingerprint: size, mtime, inode. */
export function stampKey(s: Pick<FileStamp, 'size' | 'mtimeMs' | 'ino'>): string {
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/** Digest of a file list with fingerprints: equal digests mean an unchanged tree (same files, same stats). */
export function filesDigest(files: readonly FileStamp[]): string {
  const h = createHash('sha1');
  for (const f of files) h.update(`${f.rel}\0${f.size}\0${f.mtimeMs}\0${f.ino}\n`);
  return h.digest('base64');
}

export class DiskCache {
  readonly dir: string;

  constructor(baseDir: string, key: string) {
    this.dir = path.join(baseDir, key);
  }

  loadState(): CacheState | undefined {
    try {
      const st = v8.deserialize(fs.readFileSync(path.join(this.dir, 'state.v8'))) as CacheState;
      if (!Array.isArray(st.files) || !(st.facts instanceof Map)) return undefined;
      return st;
    } catch {
      return undefined;
    }
  }

  saveState(state: CacheState): void {
    this.write('state.v8', v8.serialize(state));
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
