// SPDX-License-Identifier: GPL-2.0-only
/*
 *  linux/mm/page_alloc.c (pagecheck example tree, v5.4 shapes, cut down to
 *  the ZONE_DEVICE memmap initialization)
 *
 * memmap_init_zone_device() writes page->pgmap for every page of a new
 * device range.  Writing the field is initialization, not a ZONE_DEVICE
 * test: nothing here is reported.
 */
#include <linux/mm.h>
#include <linux/memremap.h>
#include <linux/mmzone.h>

static void __meminit __init_single_page(struct page *page, unsigned long pfn,
				unsigned long zone, int nid)
{
	mm_zero_struct_page(page);
	set_page_links(page, zone, nid, pfn);
	init_page_count(page);
	page_mapcount_reset(page);
	INIT_LIST_HEAD(&page->lru);
}

#ifdef CONFIG_ZONE_DEVICE
void __ref memmap_init_zone_device(struct zone *zone,
				   unsigned long start_pfn,
				   unsigned long nr_pages,
				   struct dev_pagemap *pgmap)
{
	unsigned long pfn, end_pfn = start_pfn + nr_pages;
	struct pglist_data *pgdat = zone->zone_pgdat;
	struct vmem_altmap *altmap = pgmap_altmap(pgmap);
	unsigned long zone_idx = zone_idx(zone);
	int nid = pgdat->node_id;

	if (WARN_ON_ONCE(!pgmap || zone_idx(zone) != ZONE_DEVICE))
		return;

	/* the altmap head holds the memmap itself: it gets no struct page */
	if (altmap) {
		start_pfn = altmap->base_pfn + vmem_altmap_offset(altmap);
		nr_pages = end_pfn - start_pfn;
	}

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		__init_single_page(page, pfn, zone_idx, nid);

		/* device pages are not on the LRU: park them as reserved */
		__SetPageReserved(page);

		/* ZONE_DEVICE pages reuse ->lru for ->pgmap */
		page->pgmap = pgmap;
		page->zone_device_data = NULL;

		cond_resched();
	}

	pr_info("%s initialised %lu pages\n", __func__, nr_pages);
}
#endif
