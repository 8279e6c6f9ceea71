// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* folio_is_zone_device() exists from v5.16 on: only a 5.16+ contract set knows it is a ZONE_DEVICE test. */
static bool folio_walk(pte_t pte)
{
	struct folio *folio = page_folio(pte_page(pte));

	return folio_is_zone_device(folio);
}
