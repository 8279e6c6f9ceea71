// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table walkers for the language-server tests: one ZONE_DEVICE test on a raw pte decode (unsafe), one
 * under a page reference (safe).
 */
#include <linux/mm.h>

static int count_device_pte(pte_t pte)
{
	struct page *page = pte_page(pte);

	if (is_zone_device_page(page))	/* expect: PC001 */
		return 1;
	return 0;
}

static int count_device_pte_ref(pte_t pte)
{
	struct page *page = pte_page(pte);
	int ret;

	get_page(page);
	ret = is_zone_device_page(page);	/* expect: safe */
	put_page(page);
	return ret;
}

int walk_one_pte(pte_t pte)
{
	return count_device_pte(pte) + count_device_pte_ref(pte);
}
