/* A call through a field of an object whose type this file cannot tell: it may reach any `.release`. */
void dev_release(struct device *dev, unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (page)
		dev->rel_ops->release(dev, page);
}
