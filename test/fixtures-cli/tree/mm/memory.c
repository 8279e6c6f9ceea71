// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* Unsafe: a raw page-table decode, nothing pins the page. */
static int walk_pte_unsafe(pte_t pte)
{
	struct page *page = pte_page(pte);

	if (is_zone_device_page(page))
		return 1;
	return 0;
}

/* Safe: the reference from get_page() keeps the memmap alive. */
static int walk_pte_safe(pte_t pte)
{
	struct page *page = pte_page(pte);
	int ret = 0;

	get_page(page);
	if (is_zone_device_page(page))
		ret = 1;
	put_page(page);
	return ret;
}

/* Suppressed with a reason. */
static int walk_pte_suppressed(pte_t pte)
{
	struct page *page = pte_page(pte);

	/* pagecheck: ignore PC001 -- the caller holds the PTL and this is a test fixture */
	if (is_zone_device_page(page))
		return 1;
	return 0;
}
