// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* Nobody in this tree calls it: the verdict depends on callers pagecheck cannot see. */
bool page_is_device(struct page *page)
{
	return is_zone_device_page(page);	/* expect: PC005 */
}

/* A suppression without a reason suppresses nothing, and is reported itself (PC000). */
bool res_first_is_device(struct resource *res)
{
	struct page *page = pfn_to_page(PHYS_PFN(res->start));

	/* pagecheck: ignore PC001 */	/* expect: PC000 */
	return is_zone_device_page(page);	/* expect: PC001 */
}
