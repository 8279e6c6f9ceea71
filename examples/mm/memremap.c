// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memremap.c (pagecheck example tree, v5.4 shapes, simplified)
 *
 * __put_devmap_managed_page() is the device-private free path: put_page()
 * sends devmap-managed pages here, and for HMM device-private memory this is
 * where the page goes back to the driver through pgmap->ops->page_free().
 * Nothing on this path holds a pgmap reference.
 */
#include <linux/device.h>
#include <linux/export.h>
#include <linux/memremap.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pfn.h>

static DEFINE_XARRAY(pgmap_array);

/**
 * get_dev_pagemap() - take a new live reference on the dev_pagemap for @pfn
 * @pfn: page frame number to lookup page_map
 * @pgmap: optional known pgmap that already has a reference
 *
 * If @pgmap is non-NULL and covers @pfn it will be returned as-is.  If
 * @pgmap is non-NULL but does not cover @pfn the reference to it will be
 * released.  While the reference is held, memunmap_pages() cannot free the
 * memmap of the range.
 */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn,
		struct dev_pagemap *pgmap)
{
	resource_size_t phys = PFN_PHYS(pfn);

	/* the cached pgmap is already referenced */
	if (pgmap) {
		if (phys >= pgmap->res.start && phys <= pgmap->res.end)
			return pgmap;
		put_dev_pagemap(pgmap);
	}

	/* slow path: look the range up, and only take a live reference */
	rcu_read_lock();
	pgmap = xa_load(&pgmap_array, PHYS_PFN(phys));
	if (pgmap && !percpu_ref_tryget_live(pgmap->ref))
		pgmap = NULL;
	rcu_read_unlock();

	return pgmap;
}
EXPORT_SYMBOL_GPL(get_dev_pagemap);

#ifdef CONFIG_DEV_PAGEMAP_OPS
DEFINE_STATIC_KEY_FALSE(devmap_managed_key);
EXPORT_SYMBOL(devmap_managed_key);

void __put_devmap_managed_page(struct page *page)
{
	int count = page_ref_dec_return(page);

	/*
	 * Refcount 1 means the page is idle: only the pgmap's own reference
	 * is left, so hand it back to the device owner.
	 */
	if (count == 1) {
		/* Clear Active bit in case of parallel mark_page_accessed */
		__ClearPageActive(page);
		__ClearPageWaiters(page);

		mem_cgroup_uncharge(page);

		/*
		 * A freed device-private page may still carry a stale anon
		 * ->mapping; clear it so a later migration does not trust it.
		 */
		if (is_device_private_page(page))
			page->mapping = NULL;

		page->pgmap->ops->page_free(page);
	} else if (!count)
		__put_page(page);
}
EXPORT_SYMBOL(__put_devmap_managed_page);
#endif /* CONFIG_DEV_PAGEMAP_OPS */

/**
 * pgmap_page_offset - offset of a device page inside its pgmap's range
 * @page: the page; the caller must hold a reference on it (or on its pgmap)
 *
 * For drivers only: nothing in this tree calls it, so pagecheck cannot tell
 * what its callers hold.
 */
resource_size_t pgmap_page_offset(struct page *page)
{
	struct dev_pagemap *pgmap;

	if (!is_zone_device_page(page))
		return 0;

	pgmap = page->pgmap;
	return PFN_PHYS(page_to_pfn(page)) - pgmap->res.start;
}
EXPORT_SYMBOL_GPL(pgmap_page_offset);
