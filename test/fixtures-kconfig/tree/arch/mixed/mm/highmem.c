/* mixed: nothing in its Kconfig keeps HIGHMEM and memory hotplug apart: PageHighMem() is a hazard there. */
#include <linux/mm.h>

void *mixed_map_ram(unsigned long pfn)
{
	if (pfn_valid(pfn) && !PageHighMem(pfn_to_page(pfn)))	/* expect: PC003 */
		return __va(pfn << PAGE_SHIFT);
	return NULL;
}
