/* Damage as an editor leaves it: unbalanced braces, a stray #endif, an unterminated string and comment. */
#endif
static void first(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	if (is_zone_device_page(page))	/* expect: PC001 */
		return;
}}}

static void second(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn;
	if ((is_zone_device_page(page))
		return;
	pr_info("unterminated);
}
#else
static void third(void) { /* never closed
