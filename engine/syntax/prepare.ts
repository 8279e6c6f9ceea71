// Kernel C is not what tree-sitter-c expects: annotation macros (`__init`, `__rcu`, `__aligned(8)`), iterator
// macros (`list_for_each_entry(pos, head, member) { … }`) and type-taking macros (`container_of(p, struct page,
// lru)`) make ERROR nodes. We rewrite a *copy* of the text before parsing.
//
// Architecture Invariant: the prepared text has exactly the length of the original and every '\n' in the same
// place, so every node offset, row and column is an offset, row and column in the user's buffer.

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
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

export interface PrepareStats {
  /** Characters blanked or rewritten, for the benchmark's "macro handling" figures. */
  rewritten: number;
}

/** Returns a same-length copy of `text` that tree-sitter-c parses well. Never throws. */
export function prepareSource(text: string, stats?: PrepareStats): string {
  scanBudget = 32 * text.length + 1048576;
  const out = text.split('');
  let rewritten = 0;
  const blank = (from: number, to: number) => {
    for (let i = from; i < to && i < out.length; i++) {
      if (out[i] !== '\n' && out[i] !== '\r') { out[i] = ' '; rewritten++; }
    }
  };
  selectConfiguration(text, blank);

  const n = text.length;
  let i = 0;
  let lineStart = true; // only whitespace seen since the last newline
  let inDirective = false; // inside a preprocessor line (continued with backslashes)
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
      continue;
    }
    if (c === 10) {
      if (!continued(text, i)) inDirective = false;
      lineStart = true;
      i++;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      inDirective = true;
      lineStart = false;
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      IDENT.lastIndex = i;
      const m = IDENT.exec(text)!;
      const word = m[0];
      const start = i;
      const end = i + word.length;
      const wasLineStart = lineStart;
      lineStart = false;
      i = end;
      if (text.charCodeAt(start - 1) === 46 /* . */ || text.charCodeAt(start - 1) === 62 /* > of -> */) continue;
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
      if (/^(COMPAT_)?SYSCALL_DEFINE[0-6]$/.test(word)) {
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0) { rewritten += rewriteSyscall(text, out, start, open, close); i = close + 1; continue; }
      }
      if (/^(DEFINE|DECLARE)_[A-Z0-9_]+$/.test(word) && !TYPE_ARG_MACROS[word]) {
        const open = skipSpace(text, end);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0) { rewritten += rewriteDefineMacro(text, out, start, open, close); i = close + 1; continue; }
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
            out[start] = 'w'; out[start + 1] = 'h'; out[start + 2] = 'i'; out[start + 3] = 'l'; out[start + 4] = 'e';
            for (let k = start + 5; k < end; k++) out[k] = ' ';
            rewritten += word.length;
            rewriteTypeArgs(text, out, open, close, -1);
            continue;
          }
        }
      }
      const typeArg = TYPE_ARG_MACROS[word];
      if (typeArg !== undefined) {
        const open = skipSpace(text, end);
        if (text.charCodeAt(open) === 40) {
          const close = matchParen(text, open);
          if (close > 0) rewritten += rewriteTypeArgs(text, out, open, close, typeArg);
        }
      }
      continue;
    }
    if (c !== 32 && c !== 9 && c !== 13) lineStart = false;
    i++;
  }
  if (stats) stats.rewritten += rewritten;
  return out.join('');
}

/**
 * Replaces the type argument `index` of the macro call spanning [open, close] by an identifier of the same
 * length (`T` then spaces). With index -1, only arguments that start with `struct`/`union`/`enum` are rewritten
 * (iterator macros such as `list_for_each_entry_t(pos, head, struct page, lru)` in a few subsystems).
 */
function rewriteTypeArgs(text: string, out: string[], open: number, close: number, index: number): number {
  const args = splitArgs(text, open, close);
  let count = 0;
  args.forEach(([s, e], k) => {
    const argText = text.slice(s, e).trim();
    const isType = k === index || (index === -1 && /^(struct|union|enum)\s/.test(argText));
    if (!isType || argText.length === 0) return;
    let first = true;
    for (let p = s; p < e; p++) {
      if (text[p] === '\n' || text[p] === '\r') continue;
      if (first && !/\s/.test(text[p])) { out[p] = 'T'; first = false; count++; continue; }
      if (!first) { out[p] = ' '; count++; }
    }
  });
  return count;
}

/**
 * `struct foo *` standing alone as a macro argument (`mm_slot_entry(slot, struct ksm_mm_slot, slot)`) cannot be an
 * expression: it becomes a same-length identifier. Only after `,` or after the `(` of a call — never in casts,
 * `sizeof(struct foo)`, or declarations.
 */
function rewriteTypeArgument(text: string, out: string[], start: number): number {
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
  out[start] = 'T';
  for (let k = start + 1; k < start + len; k++) if (out[k] !== '\n') out[k] = ' ';
  return len;
}
const TYPE_ARG = /(struct|union|enum)\s+[A-Za-z_]\w*(?:\s*\*)*\s*(?=[,)])/y;

/** `SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len)` → `long            munmap( unsigned long  addr, size_t  len)`. */
function rewriteSyscall(text: string, out: string[], start: number, open: number, close: number): number {
  const args = splitArgs(text, open, close);
  if (args.length < 1) return 0;
  const kw = 'long';
  if (args.length === 1) {
    // SYSCALL_DEFINE0(sync) → `long T         (sync)`: a function taking one unnamed parameter of type `sync`.
    for (let k = start; k < open; k++) if (out[k] !== '\n') out[k] = k - start < kw.length ? kw[k - start] : k - start === 5 ? 'T' : ' ';
    return open - start;
  }
  for (let k = start; k <= open; k++) if (out[k] !== '\n') out[k] = k - start < kw.length ? kw[k - start] : ' ';
  const nameEnd = args[0][1];
  out[nameEnd] = '(';
  // Commas between a parameter's type and its name become spaces.
  for (let i = 1; i + 1 < args.length; i += 2) {
    const comma = args[i][1];
    if (text[comma] === ',') out[comma] = ' ';
  }
  return close - start;
}

/** `static DEFINE_SPINLOCK(lock);` → `static T               lock ;`: a declaration of the macro's object. */
function rewriteDefineMacro(text: string, out: string[], start: number, open: number, close: number): number {
  const args = splitArgs(text, open, close);
  const ident = (a: [number, number]) => /^\s*[A-Za-z_]\w*\s*$/.test(text.slice(a[0], a[1]));
  const keep = ident(args[0]) ? args[0] : [...args].reverse().find(ident);
  for (let k = start; k <= close; k++) {
    if (out[k] === '\n' || out[k] === '\r') continue;
    if (keep && k >= keep[0] && k < keep[1]) continue;
    out[k] = k === start ? 'T' : ' ';
  }
  if (!keep) out[start] = ' ';
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
export function matchParen(text: string, open: number): number {
  if (scanBudget <= 0) return -1;
  let depth = 0;
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
      else if (c === 125 /* } */ && depth > 0) return -1;
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

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Preprocessor conditionals: one configuration is kept, like a compiler sees it. In each `#if`/`#elif`/`#else`
 * group the longest branch that is not `#if 0` is kept (the stub branch is usually the short one); the other
 * branches and the directive lines themselves are blanked. This removes the ERROR nodes that come from `#if`
 * blocks cutting across statements (`} else\n#endif`), and `#if 0` code is never analysed or flagged.
 */
function selectConfiguration(text: string, blank: (from: number, to: number) => void): void {
  if (!/^[ \t]*#[ \t]*(if|ifdef|ifndef)\b/m.test(text)) return;
  interface Branch { start: number; end: number; dead: boolean }
  interface Group { branches: Branch[]; directives: Array<[number, number]> }
  const stack: Group[] = [];
  let offset = 0;
  const n = text.length;
  while (offset < n) {
    let lineEnd = text.indexOf('\n', offset);
    if (lineEnd < 0) lineEnd = n;
    // A directive may continue over several lines with a backslash.
    let dirEnd = lineEnd;
    // CRLF files: the '\r' before the '\n' is not part of the directive (`#if 0\r` is still `#if 0`).
    const m = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*?)\r?$/.exec(text.slice(offset, lineEnd));
    if (m) {
      while (dirEnd < n && continued(text, dirEnd)) { const e = text.indexOf('\n', dirEnd + 1); dirEnd = e < 0 ? n : e; }
      const kw = m[1];
      const dead = /^\s*0\s*(\/[*/].*)?$/.test(m[2]);
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        stack.push({ branches: [{ start: dirEnd, end: n, dead: kw === 'if' && dead }], directives: [[offset, dirEnd]] });
      } else if (stack.length) {
        const g = stack[stack.length - 1];
        g.branches[g.branches.length - 1].end = offset;
        g.directives.push([offset, dirEnd]);
        if (kw === 'endif') {
          stack.pop();
          let keep: Branch | undefined;
          for (const b of g.branches) if (!b.dead && (!keep || b.end - b.start > keep.end - keep.start)) keep = b;
          for (const b of g.branches) if (b !== keep) blank(b.start, b.end);
          for (const [a, z] of g.directives) blank(a, z);
        } else {
          g.branches.push({ start: dirEnd, end: n, dead: kw === 'elif' && dead });
        }
      }
    }
    offset = dirEnd + 1;
  }
  // Unterminated groups (a half-typed #if): keep the first branch, blank dead ones.
  for (const g of stack) for (const b of g.branches) if (b.dead) blank(b.start, b.end);
}
