#include <linux/mm.h>

/* Makes a page from a pfn but reads nothing of it, here or anywhere: a seed candidate, never parsed. */
void *pfn_address(unsigned long pfn)
{
	struct dev_pagemap *pgmap = NULL;

	return pgmap ? NULL : page_address(pfn_to_page(pfn));
}
