// SPDX-License-Identifier: GPL-2.0
#include <linux/ioport.h>
#include <linux/mm.h>

/* Walks the pfns of a resource: nothing pins them and nothing checks their memmap. */
int count_device_pfns(struct resource *res)
{
	unsigned long pfn;
	int nr = 0;

	for (pfn = PHYS_PFN(res->start); pfn < PHYS_PFN(res->end); pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (is_zone_device_page(page))	/* expect: PC001 */
			nr++;
	}
	return nr;
}

int first_pgmap_type(struct resource *res)
{
	unsigned long pfn = PHYS_PFN(res->start);
	struct page *page = pfn_to_page(pfn);

	if (page->pgmap)	/* expect: PC001 */
		return page->pgmap->type;	/* expect: PC001 */
	return -1;
}

/* The pfn is an expression: fixes must keep it valid C and name it the way the pin is matched. */
int range_has_device(struct resource *res, unsigned long nr)
{
	unsigned long base = PHYS_PFN(res->start), i;

	for (i = 0; i < nr; i++)
		if (is_zone_device_page(pfn_to_page(base + i)))	/* expect: PC001 */
			return 1;
	return 0;
}
