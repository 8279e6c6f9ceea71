/*
 * small32 can have neither memory hotplug nor ZONE_DEVICE (its Kconfig selects the hotplug enabler, but
 * MEMORY_HOTPLUG needs 64BIT): every memmap pfn_valid() admits is initialized, so these reads are no finding.
 * The same shapes under arch/big64/ are PC003/PC004.
 */
#include <linux/mm.h>

void update_mmu_cache(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep)
{
	unsigned long pfn = pte_pfn(*ptep);
	struct page *page;

	if (!pfn_valid(pfn))
		return;
	page = pfn_to_page(pfn);
	if (PageDirty(page))	/* expect: ok */
		flush_dcache_page(page);
}

bool small32_pfn_is_ram(unsigned long pfn)
{
	return pfn_valid(pfn) && !PageReserved(pfn_to_page(pfn));	/* expect: ok */
}
