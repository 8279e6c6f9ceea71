// The text pre-filter of the demand-driven audit (engine/demand/plan.ts): for every file, the identifiers its raw text
// holds (as 32-bit hashes), and the subset that may name a function *defined* there. "Which files mention `foo`?"
// and "which files may define `foo`?" are then lookups, not parses. Like spatch's token grep, but every identifier
// is indexed once, so the planner can ask about names it only learns while parsing.
//
// Architecture Invariant: conservative. Every identifier tree-sitter can see in the prepared text is a maximal
// run of identifier bytes in the raw text (prepare.ts only blanks, or writes `T`, `while`, `long`; see the
// SYSCALL_DEFINE note below), so a file whose set lacks a name's hash cannot call, register or define it. Comments
// and strings are indexed too. A hash collision only adds a file.
//
// Calls through a field (`p->name(`, CallSite callee `.name`): a possible callee is indexed a second time under
// fieldKey(its key), so "which files may call through `->free(`?" is a lookup too (not every file mentioning `free`).
// For that key alone the scanner lexes comments, strings and character literals (LEX_*): a comment is transparent
// (`p-> /* a */ name(` is a field call) and its words are never field calls (`// name(x)`); string contents count
// like code (conservative: a string mis-read never hides a call, it can only add a key).
//
// Definitions: tree-sitter-c's function_definition needs declaration specifiers before the declarator, so the
// name of a definition is preceded by a type (an identifier), `*`, `(` (`int (name)(…)`), `)` or `]` (attributes),
// and followed by its parameter list: see scanTokens for the exact rule. `#define name(` is never a definition.
// The end of a line holding `//` counts as a comment end. prepare.ts turns `SYSCALL_DEFINEn(name, …)` into
// `long name(…)` (and `SYSCALL_DEFINE0(name)` into `long T(name)`, a definition named by the raw text under the
// `T`): the identifier after a SYSCALL_DEFINE is a candidate too, and so is that character after SYSCALL_DEFINE0.
// A prepare.ts rewrite that makes a new function name must be mirrored here (test/plan.test.ts checks it).

/** Byte classes: 0 other, 1 digit, 2 identifier start (letters, `_`, `$`, every byte of a UTF-8 sequence). */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;
  CLASS[c] = letter ? 2 : c >= 48 && c <= 57 ? 1 : 0;
}
/** Number bytes: 1 decimal digit, 2 hex digit, 4 integer suffix (`uUlL`). */
const NUM = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  NUM[c] = (/[0-9]/.test(ch) ? 1 : 0) | (/[0-9a-fA-F]/.test(ch) ? 2 : 0) | (/[uUlL]/.test(ch) ? 4 : 0);
}
/**
 * An identifier matters to the facts only as a callee or a definition (`name(`), a callback argument or an
 * initializer/assignment value (`, name)`, `= name;`, `= name }`), a field (`.name`, `->name`), or a seed (`pagecheck`
 * in a suppression comment). So an occurrence followed by a number or by an operator (`= + - * & | ^ ~ ! < > ? : [ ]
 * { . ' " %`) is not indexed unless it follows `.` or `->`: a register header's `#define mmREG 0x1234` adds nothing.
 * Everything else is: `( ) , ; }`, a comment, a continuation, a directive, and another identifier (prepare.ts may
 * blank an annotation in between: `__u8 __user (*tags)[8]` parses as a call of `__u8`).
 */
export const RELEVANT_NEXT = new Uint8Array(256);
for (let c = 0; c < 256; c++) RELEVANT_NEXT[c] = CLASS[c] === 2 ? 1 : 0;
for (const ch of '(),;}/\\#') RELEVANT_NEXT[ch.charCodeAt(0)] = 1;
/** Blank bytes, skipped when looking at the neighbours of an identifier. */
const BLANK = new Uint8Array(256);
for (const c of [32, 9, 10, 13, 11, 12]) BLANK[c] = 1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The hash of one identifier, as the scanner computes it (FNV-1a over its UTF-8 bytes). Never 0. */
export function identHash(name: string): number {
  let h = FNV_OFFSET;
  for (const b of Buffer.from(name, 'utf8')) h = Math.imul(h ^ b, FNV_PRIME);
  return (h >>> 0) || 1;
}

/**
 * The second key under which a possible callee of a call through a field is indexed (`p->name(`: TokenIndex.calling):
 * FNV-1a continued over a `>`, a byte no identifier holds. A collision with an identifier's key only adds a file.
 */
export function fieldKey(key: number): number {
  return (Math.imul(key ^ 62, FNV_PRIME) >>> 0) || 1;
}

/** Keywords that cannot be the type before a definition's name. */
export const NOT_TYPE = ['return', 'else', 'case', 'do', 'goto'];
/** Keywords whose parentheses are not an attribute's: `if (x) name(…)`, `sizeof(x) name(…)`. */
export const NOT_ATTRIBUTE = ['if', 'while', 'for', 'switch', 'return', 'sizeof', 'case', 'defined'];
const NOT_TYPE_H = new Set(NOT_TYPE.map(identHash));
const NOT_ATTRIBUTE_H = new Set(NOT_ATTRIBUTE.map(identHash));
export const SYSCALL_MACROS = ['SYSCALL_DEFINE', 'COMPAT_SYSCALL_DEFINE'].flatMap((p) => [0, 1, 2, 3, 4, 5, 6].map((n) => `${p}${n}`));
const SYSCALL = new Set(SYSCALL_MACROS.map(identHash));
/**
 * `SYSCALL_DEFINE0(name)` becomes `long T         (name)`, and a node's text is read from the raw buffer: the
 * definition is named by the raw character under the `T` (`L`, or `T` for COMPAT_SYSCALL_DEFINE0).
 */
const COMPAT = new Set(SYSCALL_MACROS.filter((m) => m.startsWith('COMPAT')).map(identHash));
const HASH_SYSC = identHash('SYSC');
const HASH_COMP = identHash('COMP');
const EACH = (101 << 24) | (97 << 16) | (99 << 8) | 104; // 'each'
const SYSCALL0 = new Map(['SYSCALL_DEFINE0', 'COMPAT_SYSCALL_DEFINE0'].map((m) => [identHash(m), identHash(m[5])]));
const HASH_DEFINE = identHash('define');
const HASH_PAGECHECK = identHash('pagecheck');

/** What one file holds: every identifier, and the definition candidates (a subset). Hashes, unsorted, distinct. */
export interface FileTokens {
  idents: Uint32Array;
  defs: Uint32Array;
}

/** Reusable dedup tables (one per thread). */
export class ScanScratch {
  readonly all = new HashSet32();
  readonly defs = new HashSet32();
  readonly parens = new Uint32Array(64);
}

// What came before an identifier (the previous non-blank token).
const K_START = 0; // start of file, or the end of a line holding `//`
const K_IDENT = 1; // an identifier: prevVal is its hash
const K_BYTE = 2; // a punctuation byte or a number: prevVal is the byte
const K_OPEN = 3; // `(`: prevVal is the hash of the identifier right before it (0: none, -1: unknown)
const K_CLOSE = 4; // `)`: prevVal is what K_OPEN recorded for its matching `(`

// The lexical state of the field-call key (the definition rule above keeps its own, older reading of `/`).
const LEX_CODE = 0;
const LEX_BLOCK = 1; // inside `/* … */`
const LEX_LINE = 2; // inside `// …` (to the first newline not spliced by a backslash)
const LEX_STRING = 3; // inside `"…"`
const LEX_CHAR = 4; // inside `'…'`

/** Whether the byte at i is preceded by an odd run of backslashes (an escaped quote). */
function escapedAt(buf: Uint8Array, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && buf[k] === 92) k--;
  return ((i - 1 - k) & 1) === 1;
}

/** Whether the newline at i is spliced away (`\` right before it, or before its `\r`). */
function splicedAt(buf: Uint8Array, i: number): boolean {
  return i > 0 && (buf[i - 1] === 92 || (buf[i - 1] === 13 && i > 1 && buf[i - 2] === 92));
}

/** After a code byte: 1 when it ends `.` or `->` (a field call's callee may follow), 0 otherwise; `\` keeps it. */
function arrowAfter(buf: Uint8Array, i: number, c: number, fprev: number): number {
  return c === 46 || (c === 62 && i > 0 && buf[i - 1] === 45) ? 1 : c === 92 ? fprev : 0;
}

/**
 * The reference scanner (JavaScript). engine/demand/wasm-scan.ts runs the same algorithm faster; the tests compare them.
 * Definition candidates, by the previous token and the next non-blank byte (`(`, or `/` `\\` for a comment or a
 * continuation in between):
 *   start, a comment end `/`, `*`, `]`, `#` (`PREFIX ## _insert(`, a macro body)  next `(`
 *   an identifier other than NOT_TYPE (the return type, an annotation macro)   next `(`
 *   `(` or `)` whose `(` follows an identifier other than NOT_ATTRIBUTE        next `(`, or `)` after `(`
 *   (attributes: `__attribute__((x)) name(`; the parenthesized form `int (name)(…)`; never a cast `(T)name(`)
 */
export function scanTokens(buf: Uint8Array, scratch: ScanScratch = new ScanScratch()): FileTokens {
  const all = scratch.all;
  const defs = scratch.defs;
  const parens = scratch.parens;
  const n = buf.length;
  let prevKind = K_START;
  let prevVal = 0;
  let depth = 0; // parenthesis depth (parens[] holds the first 64 levels)
  let syscall = 0; // 1: the identifier after `SYSCALL_DEFINEn(` is a definition
  let directive = 0; // 1: after `#`; 2: after `#define` (the macro name is not a definition)
  let slashes = 0; // 1: this line holds `//`
  let lex = LEX_CODE;
  let fprev = 0; // 1: the last code token (comments skipped) is `.` or `->`
  let cstart = 0; // where the open block comment starts
  let i = 0;
  while (i < n) {
    const c = buf[i];
    const cls = CLASS[c];
    if (cls === 2) {
      const start = i;
      let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
      let h5 = 0; // hash of the first 5 bytes
      let last4 = c; // the last 4 bytes, to spot `each`
      let each = false;
      i++;
      while (i < n) {
        const d = buf[i];
        if (CLASS[d] === 0) break;
        h = Math.imul(h ^ d, FNV_PRIME);
        last4 = (last4 << 8) | d;
        if (last4 === EACH) each = true;
        i++;
        if (i - start === 5) h5 = h;
      }
      const key = (h >>> 0) || 1;
      let j = i;
      while (j < n && BLANK[buf[j]] === 1) j++;
      const next = j < n ? buf[j] : -1;
      if (RELEVANT_NEXT[next & 255] === 1 || next < 0 || (prevKind === K_BYTE && (prevVal === 46 || prevVal === 62)) || key === HASH_PAGECHECK) all.add(key);
      // A possible callee of a call through a field: outside comments, after `.` or `->` (comments, blanks and
      // continuations in between), before `(`, `)` (`(*p->name)(`), a comment, a continuation, or an identifier (an
      // annotation prepare.ts may blank).
      if (lex !== LEX_BLOCK && lex !== LEX_LINE) {
        if (fprev === 1 && (next === 40 || next === 41 || next === 47 || next === 92 || CLASS[next & 255] === 2)) all.add(fieldKey(key));
        fprev = 0;
      }
      // prepare.ts writes `while` over an iterator macro (`for_each_x(`), and error recovery can read the raw 5
      // bytes under it as a name (`static int foreach_x(…) {` defines "forea").
      if (each && h5 !== 0) { const k5 = (h5 >>> 0) || 1; all.add(k5); defs.add(k5); }
      let def = false;
      if (syscall === 1) def = true;
      else if (directive === 2) def = false;
      else if (next === 40 || next === 47 || next === 92) {
        if (prevKind === K_START) def = true;
        else if (prevKind === K_IDENT) def = !NOT_TYPE_H.has(prevVal);
        else if (prevKind === K_BYTE) def = prevVal === 42 || prevVal === 93 || prevVal === 47 || prevVal === 35;
        else def = prevVal === -1 || (prevVal !== 0 && !NOT_ATTRIBUTE_H.has(prevVal));
      } else if (next === 41 && prevKind === K_OPEN) {
        def = prevVal === -1 || (prevVal !== 0 && !NOT_ATTRIBUTE_H.has(prevVal));
      }
      if (def) defs.add(key);
      syscall = 0;
      if (SYSCALL.has(key)) {
        syscall = 2;
        const zero = SYSCALL0.get(key);
        if (zero !== undefined) { all.add(zero); defs.add(zero); }
        // `long` is written over `SYSC` / `COMP`: the same reading.
        const k4 = COMPAT.has(key) ? HASH_COMP : HASH_SYSC;
        all.add(k4);
        defs.add(k4);
      }
      directive = directive === 1 && key === HASH_DEFINE ? 2 : 0;
      prevKind = K_IDENT;
      prevVal = key;
      continue;
    }
    if (cls === 1) {
      // A pp-number (`0x1f`, `1UL`, `32_truncate64`). tree-sitter's number_literal may end anywhere inside it and an
      // identifier start right after (`32` `_truncate64`): every suffix that starts with an identifier byte is
      // indexed (and may be a definition when `(` follows, or after SYSCALL_DEFINEn).
      const start = i;
      i++;
      while (i < n && CLASS[buf[i]] !== 0) i++;
      let j = i;
      while (j < n && BLANK[buf[j]] === 1) j++;
      const call = j < n && buf[j] === 40;
      const relevant = j >= n || RELEVANT_NEXT[buf[j]] === 1;
      // Fast path: `123`, `0x1f`, `0x1fUL`, not right after `.` or `'`, are one number_literal, nothing inside.
      let k = start;
      if (buf[k] === 48 && k + 2 < i && (buf[k + 1] | 32) === 120) { k += 2; while (k < i && (NUM[buf[k]] & 2) !== 0) k++; } else { while (k < i && (NUM[buf[k]] & 1) !== 0) k++; }
      while (k < i && (NUM[buf[k]] & 4) !== 0) k++;
      const simple = k === i && (start === 0 || (buf[start - 1] !== 46 && buf[start - 1] !== 39));
      if (!simple) for (let k = start + 1; k < i; k++) {
        if (CLASS[buf[k]] !== 2) continue;
        let h = FNV_OFFSET;
        for (let m = k; m < i; m++) h = Math.imul(h ^ buf[m], FNV_PRIME);
        const key = (h >>> 0) || 1;
        if (relevant) all.add(key);
        if (call || syscall === 1) defs.add(key);
      }
      prevKind = K_BYTE;
      prevVal = 48;
      syscall = 0;
      directive = 0;
      if (lex !== LEX_BLOCK && lex !== LEX_LINE) fprev = 0;
      continue;
    }
    if (BLANK[c] === 1) {
      if (c === 10 && lex !== LEX_CODE && lex !== LEX_BLOCK && !splicedAt(buf, i)) lex = LEX_CODE;
      if (c === 10 && slashes === 1) {
        // A line with `//` on it may end in a comment: whatever came last, count it as a comment end.
        prevKind = K_START;
        prevVal = 0;
        slashes = 0;
      }
      i++;
      continue;
    }
    if (lex === LEX_CODE) {
      if (c === 47 && i + 1 < n && buf[i + 1] === 42) { lex = LEX_BLOCK; cstart = i; }
      else if (c === 47 && i + 1 < n && buf[i + 1] === 47) lex = LEX_LINE;
      else if (c === 34 || c === 39) { lex = c === 34 ? LEX_STRING : LEX_CHAR; fprev = 0; }
      else fprev = arrowAfter(buf, i, c, fprev);
    } else if (lex === LEX_BLOCK) {
      if (c === 47 && buf[i - 1] === 42 && i >= cstart + 3) lex = LEX_CODE;
    } else if (lex !== LEX_LINE) {
      if (c === (lex === LEX_STRING ? 34 : 39) && !escapedAt(buf, i)) { lex = LEX_CODE; fprev = 0; }
      else fprev = arrowAfter(buf, i, c, fprev);
    }
    if (c === 40) {
      const before = prevKind === K_IDENT ? prevVal : 0;
      if (depth < 64) parens[depth] = before;
      depth++;
      prevKind = K_OPEN;
      prevVal = depth > 64 ? -1 : before;
      syscall = syscall === 2 ? 1 : 0;
    } else if (c === 41) {
      let closed = -1;
      if (depth > 0) {
        depth--;
        if (depth < 64) closed = parens[depth];
      }
      prevKind = K_CLOSE;
      prevVal = closed;
      syscall = 0;
    } else {
      if (c === 47 && prevKind === K_BYTE && prevVal === 47 && buf[i - 1] === 47) slashes = 1;
      prevKind = K_BYTE;
      prevVal = c;
      syscall = 0;
    }
    directive = c === 35 ? 1 : 0;
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

/**
 * Where the line after a block comment starts (`end`: the offset of its closing star-slash), or -1 when anything
 * but blanks follows the comment on its last line (the file then holds code).
 */
function lineAfterComment(t: string, end: number): number {
  const n = t.length;
  let z = end + 2;
  while (z < n && (t.charCodeAt(z) === 32 || t.charCodeAt(z) === 9 || t.charCodeAt(z) === 13)) z++;
  return z < n && t.charCodeAt(z) !== 10 ? -1 : z + 1;
}

/**
 * Whether every line of `buf` is blank, a comment, or a preprocessor directive (with its continuation lines): a
 * register header (`#define mmREG 0x1234` × 100,000). tree-sitter makes only preproc nodes of such a file: it
 * defines, calls and registers nothing, so it is never indexed (and never parsed). Conservative: a quote on a
 * directive line that also holds `/*`, or anything after a comment on a line, counts as code. Linear: only the
 * first bytes of a line are looked at, the rest is found with native searches.
 */
export function directivesOnly(buf: Buffer): boolean {
  // A quick refusal first: most files have a line of code within their first few hundred bytes.
  const head = buf.toString('latin1', 0, Math.min(buf.length, 4096));
  if (!couldBeDirectivesOnly(head, buf.length <= 4096)) return false;
  // One string, searched with the (inlined) string functions: native Buffer calls per line cost more than the line.
  const t = buf.length <= 4096 ? head : buf.toString('latin1');
  const n = t.length;
  let i = 0;
  let cont = false; // the previous line was a directive (or a // comment) ending in a backslash
  let nextComment = -2; // next `/*` at or after the current line (-2: not looked up yet)
  let nextQuote = -2;
  while (i < n) {
    let eol = t.indexOf('\n', i);
    if (eol < 0) eol = n;
    const last = t.charCodeAt(eol - 1);
    const backslash = eol > i && (last === 92 || (last === 13 && t.charCodeAt(eol - 2) === 92));
    if (cont) { cont = backslash; i = eol + 1; continue; }
    let k = i;
    let c = t.charCodeAt(k);
    while (k < eol && (c === 32 || c === 9 || c === 13 || c === 12 || c === 11)) c = t.charCodeAt(++k);
    if (k === eol) { i = eol + 1; continue; }
    if (c === 47 && t.charCodeAt(k + 1) === 47) { cont = backslash; i = eol + 1; continue; }
    if (c === 47 && t.charCodeAt(k + 1) === 42) {
      const end = t.indexOf('*/', k + 2);
      if (end < 0) return true;
      const next = lineAfterComment(t, end);
      if (next < 0) return false;
      i = next;
      nextComment = -2;
      continue;
    }
    if (c !== 35) return false;
    if (nextComment !== -1 && nextComment < k) nextComment = t.indexOf('/*', k);
    if (nextComment >= 0 && nextComment < eol) {
      if (nextQuote !== -1 && nextQuote < k) nextQuote = t.indexOf('"', k);
      if (nextQuote >= 0 && nextQuote < eol) return false;
      const end = t.indexOf('*/', nextComment + 2);
      if (end < 0) return true;
      if (end > eol) {
        // A comment that starts on a directive line and ends lines later.
        const next = lineAfterComment(t, end);
        if (next < 0) return false;
        i = next;
        nextComment = -2;
        continue;
      }
    }
    cont = backslash;
    i = eol + 1;
  }
  return true;
}

/** A cheap look at the first 4 KiB: false when a line there can only be code. */
function couldBeDirectivesOnly(head: string, whole: boolean): boolean {
  // Lines inside a block comment (` * text`) and directive continuations are not code; any other line that does
  // not start with `#`, `//` or `/*` is. Past the first comment, a line starting with a letter, `}` or `;` that
  // does not follow a continued line settles it.
  let inComment = false;
  let cont = false;
  for (const line of (whole ? head : head.slice(0, head.lastIndexOf('\n') + 1)).split('\n')) {
    const s = line.trim();
    const wasCont = cont;
    cont = /\\\r?$/.test(line) && !inComment;
    if (inComment) { if (s.includes('*/')) inComment = false; continue; }
    if (s.startsWith('#')) {
      // A comment opened on a directive line and left open runs on to the next lines.
      const open = s.lastIndexOf('/*');
      if (open >= 0 && !s.includes('*/', open + 2)) inComment = true;
      continue;
    }
    if (wasCont || s === '' || s.startsWith('//')) continue;
    if (s.startsWith('/*')) { if (!s.includes('*/', 2)) inComment = true; continue; }
    return false;
  }
  return true;
}
