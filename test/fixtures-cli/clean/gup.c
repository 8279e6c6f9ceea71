// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* Safe: the reference from get_page() keeps the memmap alive. */
static int pinned_is_device(pte_t pte)
{
	struct page *page = pte_page(pte);
	int ret;

	get_page(page);
	ret = is_zone_device_page(page);
	put_page(page);
	return ret;
}

/* Safe: pfn_to_online_page() never returns a ZONE_DEVICE page or an uninitialized memmap. */
static bool online_is_reserved(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!page)
		return true;
	return PageReserved(page);
}
