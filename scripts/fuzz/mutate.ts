// Mutations of real C files. A case is (seed, index) → one corpus file and 1–3 stacked mutations, deterministic.
// Structural mutations use the original file's syntax tree (truncation at every kind of node, deleted and
// duplicated nodes); text mutations break what editors break (braces, comments, strings, directives, macros);
// byte mutations make what disks and tools make (flipped bits, invalid UTF-8, NUL bytes, CRLF).
//
// A few cases are oracle cases: one meaning-preserving change (CRLF line ends, a blank line on top, an unrelated
// function appended) after which the findings must be exactly the original's (line-shifted): a finding that
// disappears there is a finding lost.
import type { CorpusFile } from './corpus';
import { Rng } from './rng';

export interface Span {
  type: string;
  start: number;
  end: number;
}

export type Oracle = 'crlf' | 'shift' | 'append';

export interface Case {
  index: number;
  source: CorpusFile;
  mutators: string[];
  bytes: Buffer;
  /** Set on oracle cases: the findings must match the unmutated file's. */
  oracle?: Oracle;
}

/** Snippets an editor buffer or a bad merge leaves behind. */
const GARBAGE = [
  '__attribute__((', '__aligned(', '__printf(1, 2', 'list_for_each_entry(pos, head, lru)', 'list_for_each_entry(',
  'for_each_online_cpu(cpu)', '#if 0\n', '#ifdef CONFIG_ZONE_DEVICE\n', '#else\n', '#endif\n', '#elif 0\n',
  '#define PAGECHECK_FUZZ(a) \\\n', '#define X(', '#include <', '#', '\\\n', 'container_of(p, struct', 'container_of(',
  'SYSCALL_DEFINE3(', 'SYSCALL_DEFINE0(', 'DEFINE_SPINLOCK(', 'DEFINE_PER_CPU(struct page *, x);', 'module_init(',
  'struct page *', 'struct folio *', 'is_zone_device_page(', 'pfn_to_page(', 'get_dev_pagemap(pfn, NULL)',
  'put_dev_pagemap(', 'get_page(page);', 'put_page(page);', 'if (', ') {', '})', '}}', '{{', '?:', '->', '::',
  '/* pagecheck: ignore PC001 */', '/* pagecheck: ignore PC001 -- fuzz */', 'goto out;', 'out:', 'case 1:',
  'default:', 'return', 'sizeof(struct page', '__user *', 'asm volatile("" ::: "memory");', '_Generic(x, int: 1)',
  'typeof(', '({ ', 'do { } while (0', 'static inline', 'extern "C" {', '[[', ']]', '...', '0x', "'\\", '"\\',
];

const APIS = [
  'pfn_to_page', 'pfn_to_online_page', 'pte_page', 'pmd_page', 'vm_normal_page', 'get_page', 'put_page',
  'is_zone_device_page', 'is_device_private_page', 'folio_is_zone_device', 'get_dev_pagemap', 'put_dev_pagemap',
  'dax_lock_page', 'dax_unlock_page', 'pfn_valid', 'PageReserved', 'page_zone', 'get_page_unless_zero',
  'put_page_testzero', 'migrate_pfn_to_page', 'hmm_pfn_to_page', 'compound_head', 'page_folio', 'folio_page',
];

const UNICODE = ['\uFEFF', '\u2028', '\u2029', 'é', '€', '😀', '\u0301', '\u200B', '\uFFFD', 'ß', '中文'];

type TextMutator = (text: string, rng: Rng, cx: Context) => string;
type ByteMutator = (bytes: Buffer, rng: Rng) => Buffer;

interface Context {
  spans: readonly Span[];
  /** Function bodies of the original (biases positions into code). */
  bodies: readonly Span[];
  other: () => string;
  /** Spans may be used (only for the first mutation: later ones see shifted text). */
  fresh: boolean;
}

function position(text: string, rng: Rng, cx: Context): number {
  if (cx.fresh && cx.bodies.length && rng.chance(0.6)) {
    const b = rng.pick(cx.bodies);
    return Math.min(text.length, rng.int(b.start, b.end));
  }
  return rng.int(0, text.length);
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
}

function insert(text: string, at: number, s: string): string {
  return text.slice(0, at) + s + text.slice(at);
}

function pickSpan(rng: Rng, cx: Context): Span | undefined {
  if (!cx.fresh || !cx.spans.length) return undefined;
  // Every kind of node equally likely, whatever its frequency: `translation_unit` as often as `identifier`.
  const kinds = [...new Set(cx.spans.map((s) => s.type))].sort();
  const kind = rng.pick(kinds);
  return rng.pick(cx.spans.filter((s) => s.type === kind));
}

function charPositions(text: string, chars: string, limit = 200000): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length && out.length < limit; i++) if (chars.includes(text[i])) out.push(i);
  return out;
}

const TEXT_MUTATORS: Record<string, TextMutator> = {
  truncateAtNode(text, rng, cx) {
    const s = pickSpan(rng, cx);
    const at = s ? rng.pick([s.start, s.end, Math.floor((s.start + s.end) / 2)]) : rng.int(0, text.length);
    return text.slice(0, at);
  },
  deleteNode(text, rng, cx) {
    const s = pickSpan(rng, cx);
    if (!s) { const a = rng.int(0, text.length); return text.slice(0, a) + text.slice(Math.min(text.length, a + rng.int(1, 400))); }
    return text.slice(0, s.start) + text.slice(s.end);
  },
  duplicateNode(text, rng, cx) {
    const s = pickSpan(rng, cx);
    if (!s || s.end - s.start > 200000) return text;
    return text.slice(0, s.end) + text.slice(s.start, s.end) + text.slice(s.end);
  },
  deleteBrackets(text, rng) {
    const pos = charPositions(text, rng.pick(['{}', '()', '{', '}', '(', ')', '[]']));
    if (!pos.length) return text;
    const kill = new Set<number>();
    for (let k = rng.int(1, 8); k > 0; k--) kill.add(rng.pick(pos));
    let out = '';
    for (let i = 0; i < text.length; i++) if (!kill.has(i)) out += text[i];
    return out;
  },
  duplicateBrackets(text, rng) {
    const pos = charPositions(text, rng.pick(['{}', '()', '{', '}', '(', ')']));
    if (!pos.length) return text;
    const dup = new Set<number>();
    for (let k = rng.int(1, 8); k > 0; k--) dup.add(rng.pick(pos));
    const parts: string[] = [];
    let last = 0;
    for (const i of [...dup].sort((a, b) => a - b)) { parts.push(text.slice(last, i + 1), text[i]); last = i + 1; }
    parts.push(text.slice(last));
    return parts.join('');
  },
  unterminatedComment(text, rng, cx) {
    if (rng.chance(0.5)) {
      const ends = [];
      for (let i = text.indexOf('*/'); i >= 0 && ends.length < 10000; i = text.indexOf('*/', i + 2)) ends.push(i);
      if (ends.length) { const e = rng.pick(ends); return text.slice(0, e) + text.slice(e + 2); }
    }
    return insert(text, position(text, rng, cx), rng.pick(['/*', '/* ', '//', '/*/']));
  },
  unterminatedString(text, rng, cx) {
    if (rng.chance(0.4)) {
      const q = charPositions(text, '"\'', 50000);
      if (q.length) { const e = rng.pick(q); return text.slice(0, e) + text.slice(e + 1); }
    }
    return insert(text, position(text, rng, cx), rng.pick(['"', "'", '"\\', "'\\'", 'L"', 'u8"']));
  },
  garbageMacro(text, rng, cx) {
    let out = text;
    for (let k = rng.int(1, 4); k > 0; k--) {
      const g = rng.pick(GARBAGE);
      const at = position(out, rng, cx);
      out = insert(out, g.startsWith('#') ? lineStart(out, at) : at, g);
    }
    return out;
  },
  directiveChaos(text, rng, cx) {
    let out = text;
    for (let k = rng.int(1, 6); k > 0; k--) {
      const at = lineStart(out, position(out, rng, cx));
      out = insert(out, at, rng.pick(['#if 0\n', '#if 1\n', '#ifdef CONFIG_X\n', '#ifndef X\n', '#else\n', '#elif 0\n', '#endif\n', '#if 0 /* x */\n', '#  if \\\n 0\n']));
    }
    return out;
  },
  backslashEol(text, rng) {
    const nl = charPositions(text, '\n', 100000);
    if (!nl.length) return text;
    const at = new Set<number>();
    for (let k = rng.int(1, 10); k > 0; k--) at.add(rng.pick(nl));
    let out = '';
    for (let i = 0; i < text.length; i++) out += at.has(i) ? `\\${text[i]}` : text[i];
    return out;
  },
  splice(text, rng, cx) {
    const o = cx.other();
    const a = rng.int(0, o.length);
    const chunk = o.slice(a, a + rng.int(1, 4000));
    return insert(text, position(text, rng, cx), chunk);
  },
  deepNest(text, rng, cx) {
    const n = rng.int(100, 3000);
    const unit = rng.pick(['(', '{', '[', 'if (x) ', '(struct page *)', '-', '!', '*', 'a->', 'f(', '{ if (p) ', 'x ? y : ']);
    const closer = unit === '(' || unit === 'f(' ? ')' : unit === '{' || unit === '{ if (p) ' ? '}' : unit === '[' ? ']' : '';
    const at = position(text, rng, cx);
    const body = unit.repeat(n) + 'p' + (rng.chance(0.7) ? closer.repeat(n) : '');
    return insert(text, at, body);
  },
  apiSwap(text, rng, cx) {
    const start = position(text, rng, cx);
    const end = Math.min(text.length, start + rng.int(100, 3000));
    const swapped = text.slice(start, end).replace(/\b[a-z_][a-z0-9_]{2,}\b/g, (w) => (rng.chance(0.15) ? rng.pick(APIS) : w));
    return text.slice(0, start) + swapped + text.slice(end);
  },
  unicode(text, rng, cx) {
    let out = text;
    for (let k = rng.int(1, 5); k > 0; k--) out = insert(out, position(out, rng, cx), rng.pick(UNICODE));
    return out;
  },
  longLine(text, rng, cx) {
    const at = lineStart(text, position(text, rng, cx));
    return insert(text, at, `int pagecheck_fuzz_long = ${'a+'.repeat(rng.int(1000, 60000))}1;\n`);
  },
  lineShuffle(text, rng) {
    const lines = text.split('\n');
    if (lines.length < 4) return text;
    for (let k = rng.int(1, 5); k > 0; k--) {
      const i = rng.int(0, lines.length - 1);
      const j = rng.int(0, lines.length - 1);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    return lines.join('\n');
  },
  loneCr(text, rng) {
    if (rng.chance(0.3)) return text.replace(/\n/g, '\r'); // classic Mac line ends: one line to tree-sitter
    const nl = charPositions(text, '\n', 100000);
    const at = new Set<number>();
    for (let k = rng.int(1, 20); k > 0 && nl.length; k--) at.add(rng.pick(nl));
    let out = '';
    for (let i = 0; i < text.length; i++) out += at.has(i) ? rng.pick(['\r\n', '\r', '\r\r\n', '\n\r']) : text[i];
    return out;
  },
};

const BYTE_MUTATORS: Record<string, ByteMutator> = {
  byteFlip(b, rng) {
    const out = Buffer.from(b);
    if (!out.length) return out;
    for (let k = rng.int(1, 16); k > 0; k--) {
      const i = rng.int(0, out.length - 1);
      out[i] = rng.chance(0.5) ? out[i] ^ (1 << rng.int(0, 7)) : rng.int(0, 255);
    }
    return out;
  },
  invalidUtf8(b, rng) {
    const seqs = [[0xff], [0xfe], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f], [0xc0, 0xaf], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];
    let out = b;
    for (let k = rng.int(1, rng.chance(0.1) ? 200 : 6); k > 0; k--) {
      const i = rng.int(0, out.length);
      out = Buffer.concat([out.subarray(0, i), Buffer.from(rng.pick(seqs)), out.subarray(i)]);
    }
    return out;
  },
  nulBytes(b, rng) {
    let out = b;
    // Past 8 KiB the binary sniffing does not look: the engine gets text with NUL characters in it.
    const from = rng.chance(0.5) && b.length > 9000 ? 8300 : 0;
    for (let k = rng.int(1, 8); k > 0; k--) {
      const i = rng.int(Math.min(from, out.length), out.length);
      out = Buffer.concat([out.subarray(0, i), Buffer.alloc(rng.int(1, 3)), out.subarray(i)]);
    }
    return out;
  },
  truncateBytes(b, rng) {
    return b.subarray(0, rng.int(0, b.length));
  },
};

/** Where the mutators are applied: text mutators first (while the text is still decodable), bytes last. */
export const MUTATORS = [...Object.keys(TEXT_MUTATORS), ...Object.keys(BYTE_MUTATORS)];

export const UNRELATED_FUNCTION = '\nstatic int pagecheck_fuzz_unrelated(int x)\n{\n\treturn x + 1;\n}\n';

export function applyOracle(text: string, oracle: Oracle): string {
  if (oracle === 'crlf') return text.replace(/\r?\n/g, '\r\n');
  if (oracle === 'shift') return `\n${text}`;
  return text + (text.endsWith('\n') ? '' : '\n') + UNRELATED_FUNCTION;
}

/** Builds case `index` of `seed`. `spansOf` gives a file's named-node spans (parsed once per file). */
export function makeCase(files: readonly CorpusFile[], seed: number, index: number, spansOf: (f: CorpusFile) => readonly Span[]): Case {
  const rng = Rng.forCase(seed, index);
  const kernel = files.filter((f) => f.tree === 'kernel');
  const rest = files.filter((f) => f.tree !== 'kernel');
  const source = kernel.length && rng.chance(0.35) ? rng.pick(kernel) : rng.pick(rest.length ? rest : files);
  const text = source.bytes.toString('utf8');
  if (rng.chance(0.08)) {
    const oracle = rng.pick<Oracle>(['crlf', 'shift', 'append']);
    return { index, source, mutators: [`oracle:${oracle}`], bytes: Buffer.from(applyOracle(text, oracle), 'utf8'), oracle };
  }
  const count = rng.weighted<number>([[5, 1], [3, 2], [2, 3]]);
  const names: string[] = [];
  for (let k = 0; k < count; k++) names.push(rng.pick(MUTATORS));
  names.sort((a, b) => Number(a in BYTE_MUTATORS) - Number(b in BYTE_MUTATORS));
  const spans = spansOf(source);
  const cx: Context = {
    spans,
    bodies: spans.filter((s) => s.type === 'compound_statement' && s.end - s.start > 20),
    other: () => rng.pick(files).bytes.toString('utf8'),
    fresh: true,
  };
  let cur = text;
  let bytes: Buffer | undefined;
  for (const name of names) {
    if (name in TEXT_MUTATORS) {
      cur = TEXT_MUTATORS[name](cur, rng, cx);
      cx.fresh = false;
    } else {
      bytes = BYTE_MUTATORS[name](bytes ?? Buffer.from(cur, 'utf8'), rng);
    }
  }
  return { index, source, mutators: names, bytes: bytes ?? Buffer.from(cur, 'utf8') };
}
