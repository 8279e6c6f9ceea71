/* big64 has memory hotplug and ZONE_DEVICE: a pfn_valid() pfn may be offline or device memory. */
#include <linux/mm.h>

void update_mmu_cache(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	if (PageDirty(page))	/* expect: PC003 */
		flush_dcache_page(page);
}

bool big64_pfn_is_ram(unsigned long pfn)
{
	return pfn_valid(pfn) && !PageReserved(pfn_to_page(pfn));	/* expect: PC004 */
}
