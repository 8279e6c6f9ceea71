/* A call through a struct dma_release_ops: the only typed caller of mm/dma_release.c's function. */
void dma_call(const struct dma_release_ops *ops, unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (page)
		ops->release(NULL, page);
}
