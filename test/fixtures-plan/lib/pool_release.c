/* The other table with a `release` field: its callers never reach a struct dma_release_ops function. */
struct pool_ops {
	void (*release)(void *element, struct page *page);
};

void pool_drain(struct pool_ops *pool, unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return;
	pool->release(NULL, pfn_to_page(pfn));
}
