// The text pre-filter of the demand-driven audit (engine/plan.ts): for every file, the set of identifiers its raw
// text holds, as 32-bit hashes. "Which files mention `foo`?" is then a lookup, not a parse. Like spatch's token
// grep, but every identifier is indexed once, so the planner can ask about names it only learns while parsing.
//
// Architecture Invariant: conservative. Every identifier tree-sitter can see in the prepared text is a maximal
// run of identifier bytes in the raw text (prepare.ts only blanks or writes `T`, `while`, `long`), so a file whose
// index lacks a name's hash cannot define, call, or register that name. Comments and strings are indexed too (a
// few extra files parsed, never one missed). A hash collision only adds a file.

/** Identifier bytes: letters, digits, `_`, `$`, and every byte of a multi-byte UTF-8 sequence. */
const IDENT_CONT = new Uint8Array(256);
const IDENT_START = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
  IDENT_START[c] = letter ? 1 : 0;
  IDENT_CONT[c] = letter || (c >= 48 && c <= 57) ? 1 : 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The hash of one identifier, as the scanner computes it (FNV-1a over its UTF-8 bytes). Never 0. */
export function identHash(name: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 128) h = Math.imul(h ^ c, FNV_PRIME);
    else {
      for (const b of Buffer.from(name.slice(i))) h = Math.imul(h ^ b, FNV_PRIME);
      break;
    }
  }
  return (h >>> 0) || 1;
}

/** Reusable scratch space for scanIdentifiers (one per thread). */
export class ScanScratch {
  table = new Uint32Array(1 << 14);
  keys = new Uint32Array(1 << 13);
}

/**
 * The distinct identifier hashes of `buf`, unsorted. A run that starts with a digit is a number (pp-number) and is
 * skipped whole.
 */
export function scanIdentifiers(buf: Uint8Array, scratch: ScanScratch = new ScanScratch()): Uint32Array {
  let table = scratch.table;
  let keys = scratch.keys;
  let mask = table.length - 1;
  let count = 0;
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const c = buf[i];
    if (IDENT_START[c] === 1) {
      let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
      i++;
      while (i < n) {
        const d = buf[i];
        if (IDENT_CONT[d] === 0) break;
        h = Math.imul(h ^ d, FNV_PRIME);
        i++;
      }
      const key = (h >>> 0) || 1;
      let slot = (key ^ (key >>> 15)) & mask;
      for (;;) {
        const cur = table[slot];
        if (cur === 0) {
          table[slot] = key;
          keys[count] = key;
          if (++count * 2 > mask) {
            table = grow(table);
            mask = table.length - 1;
            scratch.table = table;
            const more = new Uint32Array(table.length >>> 1);
            more.set(keys);
            keys = scratch.keys = more;
          }
          break;
        }
        if (cur === key) break;
        slot = (slot + 1) & mask;
      }
    } else if (c >= 48 && c <= 57) {
      i++;
      while (i < n && IDENT_CONT[buf[i]] === 1) i++;
    } else {
      i++;
    }
  }
  const out = keys.slice(0, count);
  // Clear only the slots used (a 4 MB header must not make every later file pay for its table).
  for (let k = 0; k < count; k++) {
    const key = out[k];
    let slot = (key ^ (key >>> 15)) & mask;
    while (table[slot] !== key) slot = (slot + 1) & mask;
    table[slot] = 0;
  }
  return out;
}

function grow(old: Uint32Array): Uint32Array {
  const table = new Uint32Array(old.length * 2);
  const mask = table.length - 1;
  for (let s = 0; s < old.length; s++) {
    const key = old[s];
    if (key === 0) continue;
    let slot = (key ^ (key >>> 15)) & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = key;
  }
  return table;
}

/** A set of identifier hashes to look for, as an open-addressing table. */
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
