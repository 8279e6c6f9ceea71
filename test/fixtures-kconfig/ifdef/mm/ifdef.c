/*
 * Audited with and without --kconfig (test/kconfig-branches.test.ts): the configuration decides the #if
 * branches and the IS_ENABLED() tests; without one, the longest branch of each group is kept.
 */
#include <linux/mm.h>

#ifdef CONFIG_DEVICE_PRIVATE
bool pfn_is_private(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	return is_device_private_page(page);	/* PC001 when DEVICE_PRIVATE is set, or without a configuration */
}
#else
static inline bool pfn_is_private(unsigned long pfn)
{
	return false;
}
#endif

bool pfn_is_device(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	if (IS_ENABLED(CONFIG_ZONE_DEVICE) && is_zone_device_page(page))	/* PC001 unless ZONE_DEVICE is off */
		return true;
	return false;
}

#if defined(CONFIG_MEMORY_HOTPLUG) && CONFIG_NR_NODES_SHIFT > 2
bool pfn_dirty_big(unsigned long pfn)
{
	return pfn_valid(pfn) && PageDirty(pfn_to_page(pfn));	/* PC003: hotplug on, and the #if holds */
}
#elif defined(__GENERIC_STUB__)
bool pfn_dirty_big(unsigned long pfn)
{
	return false;
}
#endif
