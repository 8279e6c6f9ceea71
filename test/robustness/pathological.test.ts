// Pathological inputs through the engine: deep nesting (no stack overflow in prepare, the parser walk or the
// analysis), huge functions, recursion and long call chains, a function called from 5,000 sites, adversarial
// macro soup, and the per-function / per-file time budget. Each case has a clear, bounded outcome — analysed, or
// "not analyzed: <reason>" in one line — and never takes the rest of the file down with it.
import { strict as assert } from 'node:assert';
import { CParser, FileFacts, Program, contractTable, factsForText } from '../../engine/index';
import { prepareSource } from '../../engine/syntax/prepare';

/** A function that must keep its finding whatever happens next to it. */
const WITNESS = `
static void witness(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	if (is_zone_device_page(page))
		return;
}
`;

let parser: CParser;
const contracts = contractTable();

function facts(text: string, opts: Parameters<typeof factsForText>[4] = {}, file = 'mm/deep.c'): FileFacts {
  const f = factsForText(parser, file, text, contracts, opts);
  structuredClone(f); // plain data: crosses worker threads
  return f;
}

function audit(...files: FileFacts[]) {
  const r = new Program(files).audit();
  JSON.stringify(r.findings.map((f) => ({ ...f, sink: undefined })));
  return r;
}

function fn(f: FileFacts, name: string) {
  const s = f.functions.find((x) => x.name === name);
  assert.ok(s, `${name}() is in the facts: ${f.functions.map((x) => x.name).join(', ')}`);
  return s!;
}

function witnessKept(f: FileFacts, others: FileFacts[] = []): void {
  const w = fn(f, 'witness');
  assert.equal(w.notAnalyzed, undefined);
  const r = audit(f, ...others);
  assert.ok(r.findings.some((x) => x.fn === 'witness' && x.rule === 'PC001'), 'the neighbouring function keeps its PC001');
}

describe('robustness: pathological inputs (engine)', function () {
  this.timeout(60000); // hang guard only

  before(async () => { parser = await CParser.create(); });
  after(() => parser.delete());

  describe('10,000-deep nesting: cut off with a reason, never a stack overflow', () => {
    const N = 10000;
    const cases: Record<string, string> = {
      parentheses: `int deep(void) { return ${'('.repeat(N)}1${')'.repeat(N)}; }`,
      blocks: `void deep(struct page *p) { ${'{'.repeat(N)} is_zone_device_page(p); ${'}'.repeat(N)} }`,
      'if chains': `void deep(struct page *p) { ${'if (p) '.repeat(N)}is_zone_device_page(p); }`,
      'else-if chains': `void deep(int x) { ${Array.from({ length: N }, (_, i) => `if (x == ${i}) x++;`).join(' else ')} }`,
      'field chains': `void deep(struct page *p) { is_zone_device_page(p${'->next'.repeat(N)}); }`,
      dereferences: `void deep(struct page *p) { is_zone_device_page(${'*'.repeat(N)}p); }`,
      casts: `void deep(struct page *p) { is_zone_device_page(${'(struct page *)'.repeat(N)}p); }`,
      'binary operators': `int deep(int a) { return ${'a + '.repeat(N)}a; }`,
      'ternaries': `int deep(int a) { return ${'a ? a : '.repeat(N)}a; }`,
      'nested calls': `void deep(struct page *p) { ${'compound_head('.repeat(N)}p${')'.repeat(N)}; }`,
      'unclosed parentheses': `void deep(void) { f${'('.repeat(N)}`,
      'unclosed blocks': `void deep(void) ${'{'.repeat(N)}`,
      'nested declarators': `int ${'(*'.repeat(2000)}deep${')'.repeat(2000)}(void) { return 0; }`,
    };
    for (const [name, body] of Object.entries(cases)) {
      it(name, () => {
        // An unclosed construct swallows what follows it (error recovery): the witness goes first there.
        const text = name.startsWith('unclosed') ? `${WITNESS}\n${body}` : `${body}\n${WITNESS}`;
        const prepared = prepareSource(text);
        assert.equal(prepared.length, text.length);
        const f = facts(text, { collectUses: true });
        const deep = f.functions.find((x) => x.name === 'deep');
        if (deep?.notAnalyzed) assert.match(deep.notAnalyzed, /^not analyzed: (nesting deeper than \d+ levels|budget exceeded|parse error .*)$/);
        witnessKept(f);
      });
    }
  });

  it('a function with 20,000 statements is analysed whole (its last line still judged)', () => {
    const body = Array.from({ length: 20000 }, (_, i) => `\tcount += ${i};`).join('\n');
    const text = `static void huge(unsigned long pfn)\n{\n\tstruct page *page = pfn_to_page(pfn);\n\tlong count = 0;\n${body}\n\tif (is_zone_device_page(page))\n\t\treturn;\n}\n${WITNESS}`;
    const f = facts(text);
    assert.equal(fn(f, 'huge').notAnalyzed, undefined);
    const r = audit(f);
    assert.ok(r.findings.some((x) => x.fn === 'huge' && x.rule === 'PC001' && x.loc.line === 20004), JSON.stringify(r.findings.map((x) => [x.fn, x.loc.line])));
  });

  it('20,000 get_page() calls in a row: a bounded history, no deep recursion in the resolver or the cache', () => {
    const text = `static void refs(unsigned long pfn)\n{\n\tstruct page *page = pfn_to_page(pfn);\n${'\tget_page(page);\n'.repeat(20000)}${'\tput_page(page);\n'.repeat(3)}\tif (is_zone_device_page(page))\n\t\treturn;\n}\n${WITNESS}`;
    const cache = new Map();
    const f = facts(text, { cache });
    assert.equal(fn(f, 'refs').notAnalyzed, undefined);
    const r = audit(f);
    assert.ok(!r.findings.some((x) => x.fn === 'refs'), 'references are still held after 3 of 20,000 puts');
    // The summary survives the cache's rebase (a recursive copy) when the function moves down a line.
    const moved = facts(`\n${text}`, { cache });
    assert.equal(fn(moved, 'refs').loc.line, fn(f, 'refs').loc.line + 1);
    witnessKept(moved);
  });

  it('a switch with 20,000 cases and a function with 10,000 gotos and labels', () => {
    const cases = Array.from({ length: 20000 }, (_, i) => `\tcase ${i}: page = pfn_to_page(${i}); break;`).join('\n');
    const gotos = Array.from({ length: 10000 }, (_, i) => `\tif (x == ${i}) goto l${i};`).join('\n');
    const labels = Array.from({ length: 10000 }, (_, i) => `l${i}:\tx++;`).join('\n');
    const text = `static void sw(int x, struct page *page)\n{\n\tswitch (x) {\n${cases}\n\t}\n\tif (is_zone_device_page(page))\n\t\treturn;\n}\n`
      + `static void jumps(int x)\n{\n${gotos}\n${labels}\n}\n${WITNESS}`;
    const f = facts(text);
    for (const name of ['sw', 'jumps']) {
      const s = fn(f, name);
      if (s.notAnalyzed) assert.match(s.notAnalyzed, /^not analyzed: budget exceeded$/);
    }
    if (!fn(f, 'sw').notAnalyzed) assert.ok(audit(f).findings.some((x) => x.fn === 'sw' && x.rule === 'PC001'));
    witnessKept(f);
  });

  describe('the call graph', () => {
    it('direct recursion with an unsafe entry: the finding is reported', () => {
      const text = `static void rec(struct page *page, int n)\n{\n\tif (is_zone_device_page(page))\n\t\treturn;\n\tif (n)\n\t\trec(page, n - 1);\n}\nvoid entry(unsigned long pfn)\n{\n\trec(pfn_to_page(pfn), 3);\n}\n`;
      const r = audit(facts(text));
      assert.ok(r.findings.some((x) => x.fn === 'rec' && x.rule === 'PC001'), JSON.stringify(r.findings.map((x) => [x.fn, x.rule])));
    });

    it('mutual recursion nobody calls into: a PC005 hint, not a crash', () => {
      // Every function of the cycle is only called from the cycle: no value ever reaches the test.
      const n = 200;
      const text = Array.from({ length: n }, (_, i) => `struct page *m${i}(struct page *p)\n{\n\tif (is_zone_device_page(p))\n\t\treturn m${(i + 1) % n}(p);\n\treturn m${(i + 7) % n}(p);\n}\n`).join('');
      const r = audit(facts(text));
      assert.equal(r.functions.length, n);
      for (const f of r.functions) assert.equal(f.verdict, 'unknown');
      assert.ok(r.findings.every((x) => x.rule === 'PC005'));
      assert.match(r.findings[0].message, /recursion cycle/);
    });

    it('mutual recursion entered with a pinned page and with a raw page', () => {
      const cycle = `static void ping(struct page *p, int n);\nstatic void pong(struct page *p, int n)\n{\n\tif (is_zone_device_page(p))\n\t\treturn;\n\tping(p, n - 1);\n}\nstatic void ping(struct page *p, int n)\n{\n\tif (n)\n\t\tpong(p, n);\n}\n`;
      const safe = `void in_safe(unsigned long pfn)\n{\n\tstruct page *p = pfn_to_online_page(pfn);\n\n\tif (p)\n\t\tping(p, 9);\n}\n`;
      const raw = `void in_raw(unsigned long pfn)\n{\n\tping(pfn_to_page(pfn), 9);\n}\n`;
      assert.ok(!audit(facts(cycle + safe)).findings.some((x) => x.rule === 'PC001'));
      assert.ok(audit(facts(cycle + safe + raw)).findings.some((x) => x.fn === 'pong' && x.rule === 'PC001'));
    });

    it('a 3,000-function call chain closing on itself terminates with a verdict', () => {
      const chain = Array.from({ length: 3000 }, (_, i) => `void g${i}(struct page *p) { g${i + 1}(p); }\n`).join('');
      const text = `${chain}void g3000(struct page *p) { if (is_zone_device_page(p)) return; g0(p); }\nvoid top(unsigned long pfn) { g0(pfn_to_page(pfn)); }\n`;
      const r = audit(facts(text));
      const g = r.functions.find((x) => x.fn === 'g3000');
      assert.ok(g, 'g3000() gets a verdict');
      assert.match(g!.verdict, /^(unsafe|unknown)$/);
    });

    it('a function called from 5,000 sites: one bad caller among them is found', () => {
      const sink = `static void sink(struct page *page)\n{\n\tif (is_zone_device_page(page))\n\t\treturn;\n}\n`;
      const good = Array.from({ length: 5000 }, (_, i) => `void c${i}(unsigned long pfn)\n{\n\tstruct page *p = pfn_to_online_page(pfn);\n\n\tif (p)\n\t\tsink(p);\n}\n`).join('');
      const f1 = facts(sink + good, {}, 'mm/sink.c');
      assert.ok(!audit(f1).findings.some((x) => x.fn === 'sink'), 'all 5,000 callers pass an online page');
      const bad = facts(`void culprit(unsigned long pfn)\n{\n\tsink(pfn_to_page(pfn));\n}\n`, {}, 'mm/sink.c');
      const r = audit(facts(sink + good + `void culprit(unsigned long pfn)\n{\n\tsink(pfn_to_page(pfn));\n}\n`, {}, 'mm/sink.c'));
      const hit = r.findings.find((x) => x.fn === 'sink');
      assert.equal(hit?.rule, 'PC001');
      assert.ok(hit!.related.some((s) => /culprit/.test(s.message)), JSON.stringify(hit!.related));
      assert.ok(bad.functions.length === 1);
    });
  });

  describe('time budgets: cut off, reported, and the rest goes on', () => {
    // A function that takes a while: thousands of branches joining page values.
    const slow = `static void slow(unsigned long pfn)\n{\n${Array.from({ length: 1500 }, (_, i) => `\tif (pfn & ${i}) { struct page *p${i} = pfn_to_page(pfn + ${i}); }`).join('\n')}\n}\n`;

    it('per function: a tiny budget cuts the slow function, its neighbours keep their findings', () => {
      const f = facts(`${slow}${WITNESS}`, { budgetMs: 1 });
      assert.equal(fn(f, 'slow').notAnalyzed, 'not analyzed: budget exceeded');
      witnessKept(f);
      const r = audit(f);
      assert.ok(r.notAnalyzed.some((x) => x.fn === 'slow' && x.reason === 'not analyzed: budget exceeded'));
    });

    it('a budget cut-off is not cached: the same text gets a full analysis on the next run', () => {
      const cache = new Map();
      facts(`${slow}${WITNESS}`, { budgetMs: 1, cache });
      const again = facts(`${slow}${WITNESS}`, { cache, budgetMs: 600000 });
      assert.equal(fn(again, 'slow').notAnalyzed, undefined);
    });

    it('per file: functions after the file budget are reported, not silently dropped', () => {
      const medium = slow.split('\n').slice(0, 602).join('\n') + '\n}\n';
      const many = Array.from({ length: 10 }, (_, i) => medium.replace('slow', `slow${i}`)).join('');
      const f = facts(`${many}${WITNESS}`, { fileBudgetMs: 1 });
      assert.deepEqual(f.functions.map((x) => x.name), [...Array.from({ length: 10 }, (_, i) => `slow${i}`), 'witness'], 'every function is still listed');
      const cut = f.functions.filter((x) => x.notAnalyzed);
      assert.ok(cut.some((x) => x.notAnalyzed === 'not analyzed: file budget exceeded'), 'functions past the file budget are cut');
      for (const x of cut) assert.match(x.notAnalyzed!, /^not analyzed: (file )?budget exceeded$/);
      const r = audit(f);
      assert.equal(r.notAnalyzed.filter((x) => /budget exceeded/.test(x.reason)).length, cut.length);
    });
  });

  describe('the parse budget', () => {
    const soup = '@`$(('.repeat(200000);

    it('a parse past its budget is abandoned with a one-line reason', () => {
      assert.equal(parser.parse(soup, undefined, undefined, 1), undefined);
      assert.equal(parser.lastFailure, 'parsing took over 1 ms (budget exceeded)');
    });

    it('the next parse starts afresh (a cancelled parse is not resumed with other text)', () => {
      assert.equal(parser.parse(soup, undefined, undefined, 1), undefined);
      const p = parser.parse('int x;');
      assert.ok(p);
      assert.equal(p!.tree.rootNode.toString(), '(translation_unit (declaration type: (primitive_type) declarator: (identifier)))');
      assert.equal(parser.lastFailure, undefined);
      p!.tree.delete();
      const f = facts(WITNESS);
      witnessKept(f);
    });
  });

  describe('macro soup and odd text: prepareSource stays linear and keeps every offset', () => {
    const soup: Record<string, string> = {
      'unclosed __aligned(': '__aligned('.repeat(25000),
      'unclosed container_of(': 'x = container_of(a, '.repeat(12000),
      'unclosed DEFINE_*(': 'DEFINE_FOO('.repeat(25000),
      'unclosed iterators': '\nlist_for_each_entry('.repeat(12000),
      'unclosed SYSCALL_DEFINE': 'SYSCALL_DEFINE3('.repeat(15000),
      'unterminated #if': '#if 1\n'.repeat(25000),
      'backslash continuations': '#define X \\\n'.repeat(25000),
      'CRLF directives': '#if 0\r\nint x;\r\n#endif\r\n'.repeat(5000),
      'lone CRs': 'int x;\r'.repeat(25000),
      'NUL characters': 'int\0x;\0'.repeat(25000),
      'quotes': '"\'"\''.repeat(25000),
    };
    for (const [name, text] of Object.entries(soup)) {
      it(name, () => {
        const prepared = prepareSource(text);
        assert.equal(prepared.length, text.length);
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) assert.equal(prepared[i], '\n');
        const f = facts(`${text}\n${WITNESS}`);
        assert.ok(Array.isArray(f.functions));
      });
    }
  });
});
