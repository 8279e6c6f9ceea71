// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* Its only caller (in mm/caller.c) passes a raw pfn_to_page() page. */
int page_is_devmem(struct page *page)
{
	return is_zone_device_page(page);
}
