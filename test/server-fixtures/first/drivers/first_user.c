// SPDX-License-Identifier: GPL-2.0
/* A caller in another file whose RET callee, first_pick(), is defined in mm/first.c. */
#include <linux/mm.h>

struct page *first_pick(struct page *page);

int user_check(pte_t pte)
{
	struct page *page = first_pick(pte_page(pte));

	return is_zone_device_page(page);	/* expect: PC001 */
}
