// SPDX-License-Identifier: GPL-2.0
/*
 * offline_one_page() cannot be judged on its own: its verdict is decided by its callers
 * (drivers/base/offline_store.c passes pfn_to_page() of a pfn checked only by pfn_valid()).
 */
#include <linux/mm.h>

int offline_one_page(struct page *page)
{
	if (is_zone_device_page(page))	/* expect: PC001 */
		return -EBUSY;
	return 0;
}
