// SPDX-License-Identifier: GPL-2.0
#include <linux/hmm.h>

/* hmm_range_fault() output is a snapshot: no reference holds these pages. */
void collect_device_pages(struct hmm_range *range, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		struct page *page = hmm_pfn_to_page(range->hmm_pfns[i]);

		if (!page)
			continue;
		if (is_zone_device_page(page))	/* expect: PC002 */
			account_device_page(page);
	}
}
