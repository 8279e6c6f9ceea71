/*
 * dual: HIGHMEM needs 32BIT, memory hotplug 64BIT (one choice of two). PageHighMem() reads the memmap only on
 * HIGHMEM configurations, which cannot hot-add: no finding. Any other read can meet hotplug: PC003.
 */
#include <linux/mm.h>

void *dual_map_ram(unsigned long pfn)
{
	if (pfn_valid(pfn) && !PageHighMem(pfn_to_page(pfn)))	/* expect: ok */
		return __va(pfn << PAGE_SHIFT);
	return NULL;
}

bool dual_pfn_dirty(unsigned long pfn)
{
	return pfn_valid(pfn) && PageDirty(pfn_to_page(pfn));	/* expect: PC003 */
}
