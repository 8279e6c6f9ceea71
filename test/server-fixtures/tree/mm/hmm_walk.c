// SPDX-License-Identifier: GPL-2.0
#include <linux/migrate.h>

void collect_device_pages(unsigned long *src, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		struct page *page = migrate_pfn_to_page(src[i]);

		if (!page)
			continue;
		if (is_zone_device_page(page))	/* expect: PC002 */
			account_device_page(page);
	}
}
