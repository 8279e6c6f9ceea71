// Calls through a function-pointer field are matched by the field's name AND the struct type of both sides
// (engine/analysis/callgraph.ts): the facts record the struct tag of an ops table's initializer (FieldRef.type) and
// of the object a call goes through (CallSite.recv), each only when the code says it; an unknown side matches all.
// The number of arguments is the function type's part the call shows: another number, another pointer type.
import { strict as assert } from 'node:assert';
import { CParser, contractTable, factsForText, FileFacts, Program } from '../engine/index';
import { CallGraph } from '../engine/analysis/callgraph';

// An IOMMU-like `.free` of a DMA ops table that tests its page, and callers through fields named `free` of
// different struct types, each handing over a pfn_valid()-only page (RAW).
const iommu = `
static void iommu_free(struct device *dev, struct page *page)
{
	if (is_zone_device_page(page))
		return;
}

static const struct dma_map_ops iommu_ops = {
	.free = iommu_free,
};
`;
const raw = (call: string, decl: string) => `
int caller(unsigned long pfn, ${decl})
{
	if (!pfn_valid(pfn))
		return -1;
	${call}(NULL, pfn_to_page(pfn));
	return 0;
}
`;

describe('typed field-call edges (CallGraph)', () => {
  let parser: CParser;
  const contracts = contractTable();
  let facts: (file: string, text: string) => FileFacts;
  before(async () => { parser = await CParser.create(); facts = (file, text) => factsForText(parser, file, text, contracts); });
  after(() => parser.delete());

  const recvOf = (text: string) => facts('c.c', text).functions.flatMap((f) => f.calls.filter((c) => c.callee.startsWith('.')).map((c) => `${c.callee}:${c.recv ?? '?'}`));
  const refsOf = (text: string) => {
    const f = facts('t.c', text);
    return [...f.fieldRefs, ...f.functions.flatMap((g) => g.fieldRefs)].map((r) => `${r.field}=${r.fn}:${r.type ?? '?'}`).sort();
  };

  it('records the struct type of the object a field call goes through, when the declarations say it', () => {
    assert.deepEqual(recvOf('void f(const struct dma_map_ops *ops) { ops->free(0); }'), ['.free:dma_map_ops']);
    assert.deepEqual(recvOf('void f(void) { struct mempool *pool = get(); pool->free(0); (*pool->free)(1); }'), ['.free:mempool', '.free:mempool']);
    assert.deepEqual(recvOf('void f(struct ops o) { o.free(0); }'), ['.free:ops']);
    assert.deepEqual(recvOf('void f(void *p) { ((struct dma_map_ops *)p)->free(0); }'), ['.free:dma_map_ops']);
    // Unknown: a member of another object, a call's result, a typedef, a global, a wrong pointer depth, a shadowing local.
    assert.deepEqual(recvOf('void f(struct device *dev) { dev->ops->free(0); }'), ['.free:?']);
    assert.deepEqual(recvOf('void f(struct device *dev) { (dev + 1)->free(0); }'), ['.free:?']);
    assert.deepEqual(recvOf('void f(mempool_t *pool) { pool->free(0); }'), ['.free:?']);
    assert.deepEqual(recvOf('static const struct dma_map_ops *g;\nvoid f(void) { g->free(0); }'), ['.free:?']);
    assert.deepEqual(recvOf('void f(struct ops o) { o->free(0); }'), ['.free:?']);
    assert.deepEqual(recvOf('void f(struct a *ops) { { void *ops = x; ops->free(0); } }'), ['.free:?']);
  });

  it('records the struct type of an ops table, an array of them, a compound literal and a store through a pointer', () => {
    assert.deepEqual(refsOf('static const struct dma_map_ops a = { .free = fa, .mmap = ma };'), ['free=fa:dma_map_ops', 'mmap=ma:dma_map_ops']);
    assert.deepEqual(refsOf('static struct tbl t[] = { { .free = f0 }, [1] = { .free = f1 } };'), ['free=f0:tbl', 'free=f1:tbl']);
    assert.deepEqual(refsOf('static struct outer o = { .inner = { .free = fi }, .p = &(struct ops){ .free = fc } };'), ['free=fc:ops', 'free=fi:?']);
    assert.deepEqual(refsOf('static const my_ops_t t = { .free = ft };'), ['free=ft:?']);
    assert.deepEqual(refsOf('void f(struct ops *o, struct x *y) { struct ops l = { .free = fl }; o->free = fo; y->z->free = fz; }'), ['free=fl:ops', 'free=fo:ops', 'free=fz:?']);
  });

  it('matches a field call to a function only when the types agree or one is unknown', () => {
    const verdict = (callerText: string) => {
      const p = new Program([facts('drivers/iommu/dma.c', iommu), facts('mm/caller.c', callerText)]);
      return p.audit().functions.find((f) => f.fn === 'iommu_free')?.verdict;
    };
    // No caller reaches iommu_free: nothing decides its parameter (unknown).
    assert.equal(verdict(raw('pool->free', 'struct mempool *pool')), 'unknown');
    // Same type, or a receiver whose type the file cannot tell: a RAW page reaches the test.
    assert.equal(verdict(raw('ops->free', 'const struct dma_map_ops *ops')), 'unsafe');
    assert.equal(verdict(raw('dev->dma_ops->free', 'struct device *dev')), 'unsafe');
    // A table whose type is unknown matches every receiver.
    const untyped = iommu.replace('struct dma_map_ops', 'dma_map_ops_t');
    const p = new Program([facts('drivers/iommu/dma.c', untyped), facts('mm/caller.c', raw('pool->free', 'struct mempool *pool'))]);
    assert.equal(p.audit().functions.find((f) => f.fn === 'iommu_free')?.verdict, 'unsafe');
  });

  it('matches a field call only with the number of arguments the function takes (a pointer of another type otherwise)', () => {
    const verdict = (fnText: string, call: string) => {
      const p = new Program([facts('drivers/iommu/dma.c', fnText), facts('mm/caller.c', raw(call, 'struct device *dev').replace('(NULL, ', '('))]);
      return p.audit().functions.find((f) => f.fn === 'iommu_free')?.verdict;
    };
    // `dev->ops->free(page)`: one argument, iommu_free() takes two.
    assert.equal(verdict(iommu, 'dev->dma_ops->free'), 'unknown');
    assert.equal(verdict(iommu.replace('(struct device *dev, struct page *page)', '(struct page *page)'), 'dev->dma_ops->free'), 'unsafe');
    // A variadic function (or one whose parameters the parser could not read) takes any number.
    assert.equal(verdict(iommu.replace('(struct device *dev, struct page *page)', '(struct page *page, ...)'), 'dev->dma_ops->free'), 'unsafe');
  });

  it('keeps the types per file: replacing a file takes its stores and calls away again', () => {
    const a = facts('a.c', iommu);
    const b = facts('b.c', 'static const struct other_ops o = { .free = iommu_free };');
    const fn = a.functions.find((f) => f.name === 'iommu_free')!;
    const g = new CallGraph([a]);
    assert.deepEqual([...g.fieldTypesFor(fn)].map(([k, v]) => `${k}:${v ? [...v].join(',') : '?'}`), ['free:dma_map_ops']);
    // A static function is assigned in its own file only: b.c's iommu_free is another function.
    g.replaceFile(undefined, b);
    assert.deepEqual([...g.fieldTypesFor(fn)].map(([k, v]) => `${k}:${v ? [...v].join(',') : '?'}`), ['free:dma_map_ops']);
    const typedefd = facts('a.c', iommu.replace('static const struct dma_map_ops', 'static const dma_map_ops_t'));
    g.replaceFile(a, typedefd);
    const fn2 = typedefd.functions.find((f) => f.name === 'iommu_free')!;
    assert.deepEqual([...g.fieldTypesFor(fn2)].map(([k, v]) => `${k}:${v ? [...v].join(',') : '?'}`), ['free:?']);
  });
});
