/* CRLF line ends: `#if 0` must still hide its code, and a continued directive must still end. */
#define PAGECHECK_MULTI_LINE(x) \
	do { } while (0)

#if 0
static void old_walk(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	if (is_zone_device_page(page))	/* expect: ok */
		return;
}
#endif

static void live_walk(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	if (is_zone_device_page(page))	/* expect: PC001 */
		return;
}
