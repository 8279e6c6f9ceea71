// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

int zone_first_nid(struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn;
	struct page *page;

	if (!pfn_valid(pfn))
		return -1;
	page = pfn_to_page(pfn);
	return page_to_nid(page);	/* expect: PC003 */
}

int zone_first_is_lru(struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn;

	if (pfn_valid(pfn)) {
		struct page *page = pfn_to_page(pfn);

		if (PageLRU(page))	/* expect: PC003 */
			return 1;
	}
	return 0;
}
