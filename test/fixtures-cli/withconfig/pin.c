// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* Safe only with the configuration: my_pin_page() is declared there as taking a reference. */
static int pinned_by_helper(pte_t pte)
{
	struct page *page = pte_page(pte);

	my_pin_page(page);
	return is_zone_device_page(page);
}
