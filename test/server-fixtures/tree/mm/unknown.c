// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* Nobody in this tree calls it: the verdict depends on callers pagecheck cannot see. */
bool page_is_device(struct page *page)
{
	return is_zone_device_page(page);	/* expect: PC005 */
}
