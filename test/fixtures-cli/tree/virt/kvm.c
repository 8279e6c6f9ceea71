// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* pfn_valid() only: the memmap may be uninitialized, and ZONE_DEVICE pages need not be PG_reserved. */
int kvm_count_reserved(void)
{
	unsigned long pfn;
	int n = 0;

	for (pfn = 0; pfn < 1024; pfn++) {
		if (!pfn_valid(pfn))
			continue;
		if (PageReserved(pfn_to_page(pfn)))
			n++;
	}
	return n;
}
