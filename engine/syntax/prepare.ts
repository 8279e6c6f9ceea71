// Kernel C is not what tree-sitter-c expects: annotation macros (`__init`, `__rcu`, `__aligned(8)`), iterator
// macros (`list_for_each_entry(pos, head, member) { … }`) and type-taking macros (`container_of(p, struct page,
// lru)`) make ERROR nodes. We rewrite a *copy* of the text before parsing.
//
// Architecture Invariant: the prepared text has exactly the length of the original and every '\n' in the same
// place, so every node offset, row and column is an offset, row and column in the user's buffer.
import { CONFIG_TESTS, evalCondition, MacroLookup } from './cpp-expr';

/** Attribute-like macros that take no arguments: blanked to spaces. */
const BARE_ANNOTATIONS = [
  '__init', '__exit', '__meminit', '__meminitdata', '__init_memblock', '__initdata', '__initconst', '__exitdata',
  '__ref', '__refdata', '__rcu', '__user', '__iomem', '__percpu', '__force', '__must_check', '__always_inline',
  'noinline', 'noinline_for_stack', '__noinline', '__maybe_unused', '__always_unused', '__cold', '__hot', '__weak',
  '__read_mostly', '__ro_after_init', '__visible', 'asmlinkage', 'notrace', '__noreturn', '__pure',
  '__attribute_const__', '__latent_entropy', '__nocast', '__bitwise', '__cacheline_aligned',
  '__cacheline_aligned_in_smp', '____cacheline_aligned', '____cacheline_aligned_in_smp', '__packed',
  '__deprecated', '__sched', '__kprobes', '__nocfi', '__flatten', '__used', '__private', '__randomize_layout',
  '__no_randomize_layout', '__no_sanitize_address', '__noinstr', 'noinstr', '__malloc', '__nonstring',
  '__designated_init', '__page_aligned_data', '__page_aligned_bss', '__init_or_module', '__devinit', '__devexit',
  '__cpuinit', '__irq_entry', '__softirq_entry', '__lockfunc', '__naked', '__safe', '__kernel', '__rcu_bh',
  '__ksym', '__weak_alias', '__initdata_memblock', '__meminitconst', '__net_init', '__net_exit', '__inline',
  '__always_used', 'fastcall', '__fastcall', 'inline_for_stack', '__bpf_kfunc', '__unused', '__nocapture',
  '__nosavedata', '__nosave', '__alias', '__noclone', '__no_kcsan', '__no_sanitize_undefined', 'static_assert_0',
  '__must_be_array_0', '__cpuidle', '__ref_stack', '__tracepoint_string', '__aligned_largest', '__nostackprotector',
  '__user_addr', '__data_racy', '__counted_by_0', '__randomize_layout_0',
];

/** Attribute-like macros that take an argument list: the name and its parenthesised arguments are blanked. */
const CALL_ANNOTATIONS = [
  '__aligned', '__printf', '__scanf', '__section', '__acquires', '__releases', '__must_hold', '__free',
  '__counted_by', '__alloc_size', '__assume_aligned', '__diagnose_as', '__cond_acquires', '__attribute__',
  '__symver', '__alias', '__noreturn_attr', '__no_sanitize_or_inline', '__realloc_size', '__guarded_by',
  '__pt_guarded_by', '__cleanup',
];

/** Macros whose N-th argument is a type: the type is replaced by a same-length identifier so the call parses. */
const TYPE_ARG_MACROS: Record<string, number> = {
  container_of: 1, container_of_const: 1, list_entry: 1, list_first_entry: 1, list_last_entry: 1,
  list_first_entry_or_null: 1, list_last_entry_or_null: 1, list_entry_rcu: 1, list_first_or_null_rcu: 1,
  hlist_entry: 1, hlist_entry_safe: 1, rb_entry: 1, rb_entry_safe: 1, llist_entry: 1, container_of_safe: 1,
  min_t: 0, max_t: 0, clamp_t: 0, sizeof_field: 0, offsetofend: 0, typecheck: 0, va_arg: 1, kmem_cache_zalloc_t: 0,
  DEFINE_PER_CPU: 0, DECLARE_PER_CPU: 0, DEFINE_PER_CPU_READ_MOSTLY: 0, DEFINE_PER_CPU_ALIGNED: 0,
  DEFINE_PER_CPU_SHARED_ALIGNED: 0, DECLARE_PER_CPU_READ_MOSTLY: 0, __same_type: 0, FIELD_SIZEOF: 0,
  mt_entry: 1, xa_entry: 1, llist_for_each_entry_t: 1, check_add_overflow_t: 0, array3_size_t: 0,
  KUNIT_ARRAY_PARAM_t: 0, rcu_dereference_protected_t: 0, list_prepare_entry: 2, per_cpu_ptr_t: 0, __builtin_types_compatible_p: 0,
};

/** File-scope registration macros that end without a semicolon: blanked. */
const INITCALL = /^((early|core|postcore|arch|subsys|fs|rootfs|device|late|pure)_initcall(_sync)?|module_init|module_exit|console_initcall|security_initcall|__initcall|__exitcall|module_param_named|module_param|MODULE_[A-Z_]+)$/;

const BARE = new Set(BARE_ANNOTATIONS);
const CALLS = new Set(CALL_ANNOTATIONS);
const TYPE_ARGS = new Map(Object.entries(TYPE_ARG_MACROS));
/** Length, first and last character of every word the main loop looks up in a table: a cheap first test. */
const signature = (len: number, first: number, last: number) => (len << 16) | ((first & 0xff) << 8) | (last & 0xff);
const SIGNATURES = new Set([...BARE_ANNOTATIONS, ...CALL_ANNOTATIONS, ...TYPE_ARGS.keys(), 'struct', 'union', 'enum']
  .map((w) => signature(w.length, w.charCodeAt(0), w.charCodeAt(w.length - 1))));

export interface PrepareStats {
  /** Characters blanked or rewritten, for the benchmark's "macro handling" figures. */
  rewritten: number;
}

/**
 * Returns a same-length copy of `text` that tree-sitter-c parses well. Never throws. With `macros` (a kernel
 * configuration, `--kconfig`), the `#if` branches it decides and the `IS_ENABLED(CONFIG_…)` tests in the code
 * follow it; without, one configuration is kept as the heuristic below says.
 */
export function prepareSource(text: string, stats?: PrepareStats, macros?: MacroLookup): string {
  scanBudget = 32 * text.length + 1048576;
  // The copy is an array of UTF-16 code units (a same-length rewrite never moves one), turned back into a string
  // once at the end: no per-character strings.
  const outBuf = Buffer.allocUnsafeSlow(text.length * 2);
  outBuf.write(text, 'utf16le');
  const out = new Uint16Array(outBuf.buffer, outBuf.byteOffset, text.length);
  let rewritten = 0;
  const blank = (from: number, to: number) => {
    for (let i = from; i < to && i < out.length; i++) {
      if (out[i] !== NL && out[i] !== CR) { out[i] = SP; rewritten++; }
    }
  };
  selectConfiguration(text, blank, macros);
  if (macros) rewritten += decideConfigTests(text, out, macros);
  rewritten += fixEllipses(text, out);

  const n = text.length;
  let i = 0;
  let lineStart = true; // only whitespace seen since the last newline
  let inDirective = false; // inside a preprocessor line (continued with backslashes)
  let depth = 0; // brace depth (braces in the kept configuration, outside directives)
  let inFunction = false; // the outermost open brace is a function body (it followed `)`)
  let lastSig = 0; // the last character that is not blank, outside comments, strings and directives
  while (i < n) {
    const c = text.charCodeAt(i);
    // Comments, strings and character literals are skipped whole.
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      i = skipQuoted(text, i);
      lineStart = false;
      if (!inDirective) lastSig = c;
      continue;
    }
    if (c === 10) {
      if (!continued(text, i)) inDirective = false;
      lineStart = true;
      i++;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      if (depth > 0) {
        // A directive inside braces (`#define` in the middle of an initializer, a table of tests): tree-sitter cannot
        // place it and the whole initializer becomes an ERROR. It holds nothing the analysis reads: blanked.
        let e = text.indexOf('\n', i);
        while (e >= 0 && continued(text, e)) e = text.indexOf('\n', e + 1);
        if (e < 0) e = n;
        blank(i, e);
        i = e;
        continue;
      }
      inDirective = true;
      lineStart = false;
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      const start = i;
      let end = i + 1;
      while (end < n && isIdentChar(text.charCodeAt(end))) end++;
      const wasLineStart = lineStart;
      lineStart = false;
      i = end;
      const prevSig = lastSig;
      if (!inDirective) lastSig = 97; // an identifier
      if (text.charCodeAt(start - 1) === 46 /* . */ || text.charCodeAt(start - 1) === 62 /* > of -> */) continue;
      // Most identifiers are none of the macros below: only those that may be get a string of their own.
      if (!wasLineStart && c !== 83 && c !== 67 && c !== 68 && !SIGNATURES.has(signature(end - start, c, text.charCodeAt(end - 1)))) continue;
      const word = text.slice(start, end);
      if (BARE.has(word)) { blank(start, end); continue; }
      if (CALLS.has(word)) {
        const open = skipSpace(text, end);
        if (text.charCodeAt(open) === 40 /* ( */) {
          const close = matchParen(text, open);
          if (close > 0) { blank(start, close + 1); i = close + 1; continue; }
        }
        if (word !== '__attribute__') blank(start, end);
        continue;
      }
      if (inDirective) continue;
      if (word === 'struct' || word === 'union' || word === 'enum') {
        rewritten += rewriteTypeArgument(text, out, start);
        continue;
      }
      const c0 = c;
      if ((c0 === 83 /* S */ || c0 === 67 /* C */) && /^(COMPAT_)?SYSCALL_DEFINE[0-6]$/.test(word)) {
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0) { rewritten += rewriteSyscall(text, out, start, open, close); i = close + 1; continue; }
      }
      if (c0 === 68 /* D */ && /^(DEFINE|DECLARE)_[A-Z0-9_]+$/.test(word) && !TYPE_ARGS.get(word)) {
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0) {
          // At file scope with nothing after it (`DEFINE_EVENT(…)` in a trace header): blanked, like below.
          if (wasLineStart && depth === 0 && itemStart(prevSig) && endsItem(text, close + 1)) { blank(start, close + 1); i = close + 1; continue; }
          rewritten += rewriteDefineMacro(text, out, start, open, close); i = close + 1; continue;
        }
      }
      if (!wasLineStart && depth === 0 && /^[A-Z][A-Z0-9_]+$/.test(word) && /\bstatic(\s+const)?\s+$/.test(text.slice(Math.max(0, start - 24), start))) {
        // `static CLK_FIXED_FACTOR(twpll_12m, "twpll-12m", "twpll", 1, 1, 0);`: a declaration-making macro,
        // declared like `static DEFINE_SPINLOCK(lock);` (`static T               twpll_12m …;`).
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0 && text.charCodeAt(skipBlankAndComments(text, close + 1)) === 59 /* ; */) {
          rewritten += rewriteDefineMacro(text, out, start, open, close); i = close + 1; continue;
        }
      }
      if (wasLineStart && INITCALL.test(word)) {
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0) {
          let z = close + 1;
          if (text[skipSpace(text, z)] === ';') z = skipSpace(text, z) + 1;
          blank(start, z); i = z; continue;
        }
      }
      if (wasLineStart && word.length >= 5 && /(^|_)for_?each(_|$)|_for_?each/.test(word)) {
        // An iterator macro used as a statement: `list_for_each_entry(pos, head, member) body` has the shape of
        // `while (pos, head, member) body` — a loop whose arguments stay visible as expressions.
        const open = skipSpace(text, end);
        if (text.charCodeAt(open) === 40) {
          const close = matchParen(text, open);
          if (close > 0) {
            out[start] = 119; out[start + 1] = 104; out[start + 2] = 105; out[start + 3] = 108; out[start + 4] = 101; // while
            for (let k = start + 5; k < end; k++) out[k] = SP;
            rewritten += word.length;
            rewriteTypeArgs(text, out, open, close, -1);
            continue;
          }
        }
      }
      const typeArg = TYPE_ARGS.get(word);
      if (typeArg !== undefined) {
        const open = skipSpace(text, end);
        if (text.charCodeAt(open) === 40) {
          const close = matchParen(text, open);
          if (close > 0) rewritten += rewriteTypeArgs(text, out, open, close, typeArg);
        }
        continue;
      }
      if (wasLineStart && depth > 0 && inFunction && word.length >= 2 && !KEYWORDS.has(word)) {
        // Any other macro used as a loop or block head inside a function — `for_next_zone_zonelist_nodemask(…) {`,
        // `scoped_guard(spinlock, &l) {` — becomes `while (…) {` (or `if (…) {` when the name is shorter).
        const open = skipSpace(text, end);
        if (text.charCodeAt(open) === 40) {
          const close = matchParen(text, open);
          if (close > 0 && text.charCodeAt(skipBlankAndComments(text, close + 1)) === 123 /* { */) {
            const kw = word.length >= 5 ? 'while' : 'if';
            for (let k = 0; k < word.length; k++) out[start + k] = k < kw.length ? kw.charCodeAt(k) : SP;
            rewritten += word.length;
            rewriteTypeArgs(text, out, open, close, -1);
            continue;
          }
        }
      }
      if (wasLineStart && depth === 0 && itemStart(prevSig) && /^[A-Z][A-Z0-9_]+$/.test(word)) {
        // A declaration-making macro at file scope (`BDI_SHOW(x, y)` with no `;`, a multi-line
        // `INTERVAL_TREE_DEFINE(…)`): what it declares is invisible anyway; blanked, the next item parses.
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        // With a `;` after it (`TRACE_EVENT(name, TP_PROTO(struct x *x), …);`) the arguments are rarely a parameter
        // list: blanked too, the `;` stays (an empty statement).
        if (close > 0 && (endsItem(text, close + 1) || text.charCodeAt(skipBlankAndComments(text, close + 1)) === 59)) {
          blank(start, close + 1); i = close + 1; continue;
        }
      }
      continue;
    }
    if (!inDirective && out[i] !== SP) {
      if (c === 123 /* { */) { if (depth === 0) inFunction = lastSig === 41 /* ) */; depth++; }
      else if (c === 125 /* } */ && depth > 0) depth--;
      if (c !== 32 && c !== 9 && c !== 13) lastSig = c;
    }
    if (c !== 32 && c !== 9 && c !== 13) lineStart = false;
    i++;
  }
  if (stats) stats.rewritten += rewritten;
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf16le');
}

const NL = 10;
const CR = 13;
const SP = 32;
const T_ = 84; // 'T'

/**
 * Replaces the type argument `index` of the macro call spanning [open, close] by an identifier of the same
 * length (`T` then spaces). With index -1, only arguments that start with `struct`/`union`/`enum` are rewritten
 * (iterator macros such as `list_for_each_entry_t(pos, head, struct page, lru)` in a few subsystems).
 */
function rewriteTypeArgs(text: string, out: Uint16Array, open: number, close: number, index: number): number {
  const args = splitArgs(text, open, close);
  let count = 0;
  args.forEach(([s, e], k) => {
    const argText = text.slice(s, e).trim();
    const isType = k === index || (index === -1 && /^(struct|union|enum)\s/.test(argText));
    if (!isType || argText.length === 0) return;
    let first = true;
    for (let p = s; p < e; p++) {
      if (text[p] === '\n' || text[p] === '\r') continue;
      if (first && !/\s/.test(text[p])) { out[p] = T_; first = false; count++; continue; }
      if (!first) { out[p] = SP; count++; }
    }
  });
  return count;
}

/**
 * `struct foo *` standing alone as a macro argument (`mm_slot_entry(slot, struct ksm_mm_slot, slot)`) cannot be an
 * expression: it becomes a same-length identifier. Only after `,` or after the `(` of a call — never in casts,
 * `sizeof(struct foo)`, or declarations.
 */
function rewriteTypeArgument(text: string, out: Uint16Array, start: number): number {
  TYPE_ARG.lastIndex = start;
  const m = TYPE_ARG.exec(text);
  if (!m) return 0;
  let p = start - 1;
  while (p >= 0 && /\s/.test(text[p])) p--;
  if (text[p] === '(') {
    let q = p - 1;
    while (q >= 0 && /\s/.test(text[q])) q--;
    let w = q;
    while (w >= 0 && /\w/.test(text[w])) w--;
    const callee = text.slice(w + 1, q + 1);
    if (!callee || /^(sizeof|typeof|__typeof__|__typeof|alignof|_Alignof|__alignof__|offsetof|__builtin_offsetof|if|while|for|switch|return|case|va_arg|_Generic)$/.test(callee)) return 0;
  } else if (text[p] !== ',') {
    return 0;
  }
  const len = m[0].length;
  out[start] = T_;
  for (let k = start + 1; k < start + len; k++) if (out[k] !== NL) out[k] = SP;
  return len;
}
const TYPE_ARG = /(struct|union|enum)\s+[A-Za-z_]\w*(?:\s*\*)*\s*(?=[,)])/y;

/** `SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len)` → `long            munmap( unsigned long  addr, size_t  len)`. */
function rewriteSyscall(text: string, out: Uint16Array, start: number, open: number, close: number): number {
  const args = splitArgs(text, open, close);
  if (args.length < 1) return 0;
  const kw = 'long';
  if (args.length === 1) {
    // SYSCALL_DEFINE0(sync) → `long T         (sync)`: a function taking one unnamed parameter of type `sync`.
    for (let k = start; k < open; k++) if (out[k] !== NL) out[k] = k - start < kw.length ? kw.charCodeAt(k - start) : k - start === 5 ? T_ : SP;
    return open - start;
  }
  for (let k = start; k <= open; k++) if (out[k] !== NL) out[k] = k - start < kw.length ? kw.charCodeAt(k - start) : SP;
  // `const struct iovec __user *, vec`: the annotations in parameter types go too (the main loop skips the call).
  for (const m of text.slice(open, close).matchAll(/[A-Za-z_]\w*/g)) {
    if (!BARE.has(m[0])) continue;
    for (let k = open + m.index!; k < open + m.index! + m[0].length; k++) out[k] = SP;
  }
  const nameEnd = args[0][1];
  out[nameEnd] = 40; // (
  // Commas between a parameter's type and its name become spaces.
  for (let i = 1; i + 1 < args.length; i += 2) {
    const comma = args[i][1];
    if (text[comma] === ',') out[comma] = SP;
  }
  return close - start;
}

/** `static DEFINE_SPINLOCK(lock);` → `static T               lock ;`: a declaration of the macro's object. */
function rewriteDefineMacro(text: string, out: Uint16Array, start: number, open: number, close: number): number {
  const args = splitArgs(text, open, close);
  const ident = (a: [number, number]) => /^\s*[A-Za-z_]\w*\s*$/.test(text.slice(a[0], a[1]));
  const keep = ident(args[0]) ? args[0] : [...args].reverse().find(ident);
  for (let k = start; k <= close; k++) {
    if (out[k] === NL || out[k] === CR) continue;
    if (keep && k >= keep[0] && k < keep[1]) continue;
    out[k] = k === start ? T_ : SP;
  }
  if (!keep) out[start] = SP;
  return close - start;
}

/** Top-level argument spans [start, end) of the call whose parentheses are at `open` and `close`. */
function splitArgs(text: string, open: number, close: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    const c = text[i];
    if (c === '"' || c === "'") { i = skipQuoted(text, i) - 1; continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? close : e + 1; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) { spans.push([start, i]); start = i + 1; }
  }
  spans.push([start, close]);
  return spans;
}

/** Index of the ')' matching the '(' at `open`, or -1. Bounded: gives up past 64 KiB or an unbalanced '}'. */
function matchParen(text: string, open: number): number {
  if (scanBudget <= 0) return -1;
  let depth = 0;
  let braces = 0; // `({ … })` and `(x){ … }` inside the arguments are fine
  const limit = Math.min(text.length, open + 65536);
  let i = open;
  try {
    for (; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 || c === 39) { i = skipQuoted(text, i) - 1; continue; }
      if (c === 47 && text.charCodeAt(i + 1) === 42) { const e = text.indexOf('*/', i + 2); if (e < 0) return -1; i = e + 1; continue; }
      if (c === 47 && text.charCodeAt(i + 1) === 47) { const e = text.indexOf('\n', i); if (e < 0) return -1; i = e; continue; }
      if (c === 40) depth++;
      else if (c === 41) { depth--; if (depth === 0) return i; }
      else if (c === 123 /* { */) braces++;
      else if (c === 125 /* } */ && --braces < 0) return -1; // `foo(a, b` cut off by the end of a block
    }
    return -1;
  } finally {
    scanBudget -= i - open + 1;
  }
}

/**
 * Characters matchParen() may still scan in this prepareSource() call. Real code scans a few times its length
 * (nested macro calls are rescanned); a file of 100,000 unclosed `__aligned(` would scan 64 KiB for each one —
 * minutes for one file. Past the budget, the remaining macros are left as written (the parser copes).
 */
let scanBudget = Infinity;

function skipQuoted(text: string, i: number): number {
  const q = text.charCodeAt(i);
  let k = i + 1;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === 92) { k += 2; continue; }
    if (c === q) return k + 1;
    if (c === 10) return k; // unterminated: stop at the end of the line
    k++;
  }
  return k;
}

/** The line ending at the '\n' at `nl` ends with a backslash (`\\\n` or, in a CRLF file, `\\\r\n`). */
function continued(text: string, nl: number): boolean {
  const p = text.charCodeAt(nl - 1) === 13 ? nl - 2 : nl - 1;
  return p >= 0 && text.charCodeAt(p) === 92;
}

/** C keywords (and keyword-like builtins) that are never a statement macro. */
const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'do', 'else', 'case', 'goto', 'typeof',
  '__typeof__', '__typeof', 'defined', '_Static_assert', 'static_assert', 'asm', '__asm__', '__asm', 'volatile',
  '_Generic', 'alignof', '_Alignof', '__alignof__', 'offsetof', '__builtin_offsetof', 'default', 'struct', 'union', 'enum']);

/** The last character before a word (lastSig) ends a file-scope item, so the word starts one (not `x =\n MACRO(…)`). */
function itemStart(lastSig: number): boolean {
  return lastSig === 0 || lastSig === 59 /* ; */ || lastSig === 125 /* } */ || lastSig === 41 /* ) */;
}

/** Nothing follows `at` on its line but blanks or comments, and the next line starts a new item (or the file ends). */
function endsItem(text: string, at: number): boolean {
  const after = skipBlankAndComments(text, at);
  if (after >= text.length) return true;
  const next = text.charCodeAt(after);
  return text.slice(at, after).includes('\n') && (next === 35 /* # */ || isIdentStart(next));
}

/** Index of the first character at or after `i` that is not blank (newlines included) and not in a comment. */
function skipBlankAndComments(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) { i++; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 47) { const e = text.indexOf('\n', i); i = e < 0 ? n : e; continue; }
    break;
  }
  return i;
}

/**
 * GNU ranges, `case 1 ... 5:` and `[0 ... 7] = x`, become `case 1 +   5:` and `[0 +   7]` (tree-sitter-c has no
 * range syntax). A named variadic macro parameter, `#define pr(fmt, args...)`, loses its dots: `(fmt, args   )`.
 * An operator passed as a macro argument becomes zeros.
 */
function fixEllipses(text: string, out: Uint16Array): number {
  if (!text.includes('...')) return 0;
  let count = 0;
  const dots = (at: number, first: number) => {
    if (out[at] !== 46 || out[at + 1] !== 46 || out[at + 2] !== 46) return;
    out[at] = first; out[at + 1] = SP; out[at + 2] = SP;
    count += 3;
  };
  for (const m of text.matchAll(/\bcase\b[^:;\n]*?\s(\.\.\.)\s/g)) dots(m.index! + m[0].length - 4, 43 /* + */);
  for (const m of text.matchAll(/\[[^\]\n;]*?\s(\.\.\.)\s[^\]\n;]*\]/g)) dots(m.index! + m[0].indexOf('...', 1), 43);
  // An operator passed to a macro, `BPF_ATOMIC_OP_TEST1(BPF_W, BPF_ADD, +, 0x12, 0xab, 0xbd)`: a `0` of each.
  for (const m of text.matchAll(/,[ \t]*([-+*\/%&|^<>!~=]{1,3})[ \t]*(?=,)/g)) {
    const at = m.index! + m[0].indexOf(m[1]);
    for (let k = at; k < at + m[1].length; k++) if (out[k] === text.charCodeAt(k)) { out[k] = 48; count++; }
  }
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*\(([^)\n]*)\)/gm)) {
    const params = m.index! + m[0].indexOf('(');
    for (const p of m[1].matchAll(/\w(\.\.\.)/g)) dots(params + 1 + p.index! + 1, SP);
  }
  return count;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** What the configuration says of a directive's condition (`#ifdef X`: is X defined), or undefined. */
function conditionValue(kw: string, rest: string, macros: MacroLookup): number | undefined {
  if (kw === 'ifdef' || kw === 'ifndef') {
    const name = /^\s*([A-Za-z_]\w*)/.exec(rest)?.[1];
    const v = name ? macros(name) : undefined;
    if (v === undefined) return undefined;
    return (v !== null) === (kw === 'ifdef') ? 1 : 0;
  }
  if (kw === 'if' || kw === 'elif') return evalCondition(rest, macros);
  return undefined;
}

/**
 * `IS_ENABLED(CONFIG_X)` (and IS_BUILTIN, IS_MODULE, IS_REACHABLE) in the code, where the configuration decides
 * it: `1` or `0` and blanks, so `if (IS_ENABLED(CONFIG_X) && …)` walks like the compiled code does.
 */
function decideConfigTests(text: string, out: Uint16Array, macros: MacroLookup): number {
  if (!text.includes('IS_')) return 0;
  let rewritten = 0;
  for (const m of text.matchAll(CONFIG_TESTS)) {
    const v = evalCondition(m[0], macros);
    if (v === undefined) continue;
    const at = m.index!;
    out[at] = v ? 49 /* 1 */ : 48 /* 0 */;
    for (let i = at + 1; i < at + m[0].length; i++) if (out[i] !== NL && out[i] !== CR) { out[i] = SP; rewritten++; }
  }
  return rewritten;
}

function isIdentChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 48 && c <= 57);
}

/**
 * Preprocessor conditionals: one configuration is kept, like a compiler sees it. In each `#if`/`#elif`/`#else`
 * group the longest branch that is not `#if 0` is kept (the stub branch is usually the short one); the other
 * branches and the directive lines themselves are blanked. This removes the ERROR nodes that come from `#if`
 * blocks cutting across statements (`} else\n#endif`), and `#if 0` code is never analysed or flagged.
 */
function selectConfiguration(text: string, blank: (from: number, to: number) => void, macros?: MacroLookup): void {
  if (!/^[ \t]*#[ \t]*(if|ifdef|ifndef)\b/m.test(text)) return;
  /** `value`: what the configuration says the branch's condition is (0: false); undefined: it does not say. */
  interface Branch { start: number; end: number; dead: boolean; value?: number }
  interface Group { branches: Branch[]; directives: Array<[number, number]> }
  const stack: Group[] = [];
  let offset = 0;
  const n = text.length;
  while (offset < n) {
    // Only lines whose first non-blank character is '#' can be directives: jump from '#' to '#' instead of
    // slicing every line.
    const hash = text.indexOf('#', offset);
    if (hash < 0) break;
    const lineStart = text.lastIndexOf('\n', hash - 1) + 1;
    let lineEnd = text.indexOf('\n', hash);
    if (lineEnd < 0) lineEnd = n;
    let blanksOnly = true;
    for (let k = lineStart; k < hash; k++) { const ch = text.charCodeAt(k); if (ch !== 32 && ch !== 9) { blanksOnly = false; break; } }
    if (!blanksOnly) { offset = lineEnd + 1; continue; }
    offset = lineStart;
    // A directive may continue over several lines with a backslash.
    let dirEnd = lineEnd;
    // CRLF files: the '\r' before the '\n' is not part of the directive (`#if 0\r` is still `#if 0`).
    const m = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*?)\r?$/.exec(text.slice(offset, lineEnd));
    if (m) {
      while (dirEnd < n && continued(text, dirEnd)) { const e = text.indexOf('\n', dirEnd + 1); dirEnd = e < 0 ? n : e; }
      const kw = m[1];
      const dead = /^\s*0\s*(\/[*/].*)?$/.test(m[2]);
      const value = macros ? conditionValue(kw, text.slice(offset, dirEnd).replace(/^[ \t]*#[ \t]*\w+/, '').replace(/\\\r?\n/g, ' '), macros) : undefined;
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        stack.push({ branches: [{ start: dirEnd, end: n, dead: kw === 'if' && dead, value }], directives: [[offset, dirEnd]] });
      } else if (stack.length) {
        const g = stack[stack.length - 1];
        g.branches[g.branches.length - 1].end = offset;
        g.directives.push([offset, dirEnd]);
        if (kw === 'endif') {
          stack.pop();
          // The branches that can be the one compiled: up to the first the configuration says is true, except
          // those it says are false (without a configuration: every branch but `#if 0`). The longest is kept.
          const live: Branch[] = [];
          for (const b of g.branches) {
            if (b.dead || b.value === 0) continue;
            live.push(b);
            if (b.value !== undefined) break;
          }
          let keep: Branch | undefined;
          for (const b of live) if (!keep || b.end - b.start > keep.end - keep.start) keep = b;
          for (const b of g.branches) if (b !== keep) blank(b.start, b.end);
          for (const [a, z] of g.directives) blank(a, z);
        } else {
          const v = kw === 'else' ? (macros ? 1 : undefined) : value;
          g.branches.push({ start: dirEnd, end: n, dead: kw === 'elif' && dead, value: v });
        }
      }
    }
    offset = dirEnd + 1;
  }
  // Unterminated groups (a half-typed #if): keep the first branch, blank dead ones.
  for (const g of stack) for (const b of g.branches) if (b.dead) blank(b.start, b.end);
}
