// The text pre-filter of the demand-driven audit (engine/plan.ts): for every file, the identifiers its raw text
// holds (as 32-bit hashes), and the subset that may name a function *defined* there. "Which files mention `foo`?"
// and "which files may define `foo`?" are then lookups, not parses. Like spatch's token grep, but every identifier
// is indexed once, so the planner can ask about names it only learns while parsing.
//
// Architecture Invariant: conservative. Every identifier tree-sitter can see in the prepared text is a maximal
// run of identifier bytes in the raw text (prepare.ts only blanks, or writes `T`, `while`, `long`; see the
// SYSCALL_DEFINE note below), so a file whose set lacks a name's hash cannot call, register or define it. Comments
// and strings are indexed too. A hash collision only adds a file.
//
// Definitions: tree-sitter-c's function_definition needs declaration specifiers before the declarator, so the
// name of a definition is preceded by a type (an identifier), `*`, `(` (`int (name)(…)`), `)` or `]` (attributes),
// and followed by `(` (or `)` in the parenthesized form). An identifier is a definition candidate when the
// previous non-blank byte is one of those (or the start of the file, or a comment end `/`) and is not one of the
// keywords `return else case do goto`, and the next non-blank byte is `(`, `)`, `/` or `\`. The end of a line
// holding `//` counts as a comment end. prepare.ts turns `SYSCALL_DEFINEn(name, …)` into `long name(…)` (and
// `SYSCALL_DEFINE0(name)` into `long T(name)`): the identifier after a SYSCALL_DEFINE is a candidate too, and so
// is `T` after SYSCALL_DEFINE0. A prepare.ts rewrite that makes a new function name must be mirrored here.

/** Byte classes: 0 other, 1 digit, 2 identifier start (letters, `_`, `$`, every byte of a UTF-8 sequence). */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
  CLASS[c] = letter ? 2 : c >= 48 && c <= 57 ? 1 : 0;
}
/** Blank bytes skipped when looking at the neighbours of an identifier. */
const BLANK = new Uint8Array(256);
for (const c of [32, 9, 10, 13, 11, 12]) BLANK[c] = 1;
/** Previous non-blank byte that allows a definition: identifier bytes, `*`, `(`, `)`, `]`, `/`. */
const DEF_BEFORE = new Uint8Array(256);
for (let c = 0; c < 256; c++) DEF_BEFORE[c] = CLASS[c] !== 0 ? 1 : 0;
for (const ch of '*()]/') DEF_BEFORE[ch.charCodeAt(0)] = 1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The hash of one identifier, as the scanner computes it (FNV-1a over its UTF-8 bytes). Never 0. */
export function identHash(name: string): number {
  let h = FNV_OFFSET;
  for (const b of Buffer.from(name, 'utf8')) h = Math.imul(h ^ b, FNV_PRIME);
  return (h >>> 0) || 1;
}

const NOT_BEFORE_DEF = new Set(['return', 'else', 'case', 'do', 'goto'].map(identHash));
const SYSCALL = new Set(['SYSCALL_DEFINE', 'COMPAT_SYSCALL_DEFINE'].flatMap((p) => [0, 1, 2, 3, 4, 5, 6].map((n) => identHash(`${p}${n}`))));
const SYSCALL0 = new Set([identHash('SYSCALL_DEFINE0'), identHash('COMPAT_SYSCALL_DEFINE0')]);
const HASH_T = identHash('T');

/** What one file holds: every identifier, and the definition candidates (a subset). Hashes, unsorted, distinct. */
export interface FileTokens {
  idents: Uint32Array;
  defs: Uint32Array;
}

/** Reusable dedup tables (one per thread). */
export class ScanScratch {
  readonly all = new HashSet32();
  readonly defs = new HashSet32();
}

/** The reference scanner (JavaScript). engine/wasm-scan.ts runs the same algorithm faster; tests compare them. */
export function scanTokens(buf: Uint8Array, scratch: ScanScratch = new ScanScratch()): FileTokens {
  const all = scratch.all;
  const defs = scratch.defs;
  const n = buf.length;
  let prevSig = -1; // previous non-blank byte, -1 at the start of the file
  let prevIdent = 0; // hash of the identifier that ended at prevSig, if prevSig ended one
  let syscall = 0; // 1: the next identifier follows SYSCALL_DEFINEn
  let slashes = 0; // 1: this line holds `//`
  let i = 0;
  while (i < n) {
    const c = buf[i];
    const cls = CLASS[c];
    if (cls === 2) {
      let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
      i++;
      while (i < n) {
        const d = buf[i];
        if (CLASS[d] === 0) break;
        h = Math.imul(h ^ d, FNV_PRIME);
        i++;
      }
      const key = (h >>> 0) || 1;
      all.add(key);
      let j = i;
      while (j < n && BLANK[buf[j]] === 1) j++;
      const next = j < n ? buf[j] : -1;
      const before = prevSig < 0 || (DEF_BEFORE[prevSig] === 1 && !(prevIdent !== 0 && NOT_BEFORE_DEF.has(prevIdent)));
      if (syscall === 1 || (before && (next === 40 || next === 41 || next === 47 || next === 92))) defs.add(key);
      syscall = 0;
      if (SYSCALL.has(key)) {
        syscall = 1;
        if (SYSCALL0.has(key)) { all.add(HASH_T); defs.add(HASH_T); }
      }
      prevSig = buf[i - 1];
      prevIdent = key;
      continue;
    }
    if (cls === 1) {
      // A pp-number (`0x1f`, `1UL`): skipped whole.
      i++;
      while (i < n && CLASS[buf[i]] !== 0) i++;
      prevSig = 48;
      prevIdent = 0;
      continue;
    }
    if (c === 10 && slashes === 1) {
      // A line with `//` on it may end in a comment: whatever came last, count it as a comment end.
      prevSig = 47;
      prevIdent = 0;
      slashes = 0;
    } else if (BLANK[c] === 0) {
      if (c === 47 && prevSig === 47 && buf[i - 1] === 47) slashes = 1;
      prevSig = c;
      prevIdent = 0;
      if (c !== 40) syscall = 0;
    }
    i++;
  }
  return { idents: all.drain(), defs: defs.drain() };
}

/** A set of non-zero 32-bit keys (open addressing); drain() returns them and empties the set cheaply. */
export class HashSet32 {
  private table = new Uint32Array(1 << 12);
  private keys = new Uint32Array(1 << 11);
  private mask = (1 << 12) - 1;
  private count = 0;

  add(key: number): void {
    const table = this.table;
    const mask = this.mask;
    let slot = (key ^ (key >>> 15)) & mask;
    for (;;) {
      const cur = table[slot];
      if (cur === key) return;
      if (cur === 0) break;
      slot = (slot + 1) & mask;
    }
    table[slot] = key;
    this.keys[this.count++] = key;
    if (this.count * 2 > mask) this.grow();
  }

  drain(): Uint32Array {
    const out = this.keys.slice(0, this.count);
    const table = this.table;
    const mask = this.mask;
    // Clear only the slots used: a 4 MB header must not make every later file pay for its table.
    for (let k = 0; k < this.count; k++) {
      const key = out[k];
      let slot = (key ^ (key >>> 15)) & mask;
      while (table[slot] !== key) slot = (slot + 1) & mask;
      table[slot] = 0;
    }
    this.count = 0;
    return out;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (let s = 0; s < old.length; s++) {
      const key = old[s];
      if (key === 0) continue;
      let slot = (key ^ (key >>> 15)) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = key;
    }
    const keys = new Uint32Array(this.table.length >>> 1);
    keys.set(this.keys);
    this.keys = keys;
  }
}

/** A set of identifier hashes to look for. */
export class HashQuery {
  private readonly table: Uint32Array;
  private readonly mask: number;
  readonly size: number;

  constructor(hashes: Iterable<number>) {
    const list = [...new Set(hashes)];
    let cap = 16;
    while (cap < list.length * 4) cap *= 2;
    this.table = new Uint32Array(cap);
    this.mask = cap - 1;
    this.size = list.length;
    for (const key of list) {
      let slot = (key ^ (key >>> 15)) & this.mask;
      while (this.table[slot] !== 0 && this.table[slot] !== key) slot = (slot + 1) & this.mask;
      this.table[slot] = key;
    }
  }

  has(key: number): boolean {
    let slot = (key ^ (key >>> 15)) & this.mask;
    for (;;) {
      const cur = this.table[slot];
      if (cur === key) return true;
      if (cur === 0) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Whether any hash of `set[from, to)` is in the query. */
  any(set: Uint32Array, from = 0, to = set.length): boolean {
    if (this.size === 0) return false;
    for (let i = from; i < to; i++) if (this.has(set[i])) return true;
    return false;
  }
}
