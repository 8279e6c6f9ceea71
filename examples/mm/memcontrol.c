// SPDX-License-Identifier: GPL-2.0-or-later
/* memcontrol.c - Memory Controller (pagecheck example tree, v5.4 shapes)
 *
 * Uncharging happens on the way out of a page's life.  uncharge_page() is
 * reached from the ordinary put path (__put_single_page()) and from the
 * device-private free path (__put_devmap_managed_page()), so the page it
 * tests may be an HMM device-private page.
 */

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/string.h>

struct uncharge_gather {
	struct mem_cgroup *memcg;
	unsigned long pgpgout;
	unsigned long nr_anon;
	unsigned long nr_file;
	unsigned long nr_kmem;
	unsigned long nr_huge;
	unsigned long nr_shmem;
};

static inline void uncharge_gather_clear(struct uncharge_gather *ug)
{
	memset(ug, 0, sizeof(*ug));
}

static void uncharge_batch(const struct uncharge_gather *ug)
{
	unsigned long nr_pages = ug->nr_anon + ug->nr_file + ug->nr_kmem;

	if (!mem_cgroup_is_root(ug->memcg))
		page_counter_uncharge(&ug->memcg->memory, nr_pages);
	css_put_many(&ug->memcg->css, nr_pages);
}

static void uncharge_page(struct page *page, struct uncharge_gather *ug)
{
	VM_BUG_ON_PAGE(PageLRU(page), page);
	VM_BUG_ON_PAGE(page_count(page) && !is_zone_device_page(page) &&
			!PageHWPoison(page), page);

	if (!page->mem_cgroup)
		return;

	/* the page is ours alone now: nobody else looks at ->mem_cgroup */
	if (ug->memcg != page->mem_cgroup) {
		if (ug->memcg) {
			uncharge_batch(ug);
			uncharge_gather_clear(ug);
		}
		ug->memcg = page->mem_cgroup;
	}

	if (!PageKmemcg(page)) {
		unsigned int nr_pages = 1;

		if (PageTransHuge(page)) {
			nr_pages = compound_nr(page);
			ug->nr_huge += nr_pages;
		}
		if (PageAnon(page))
			ug->nr_anon += nr_pages;
		else
			ug->nr_file += nr_pages;
		ug->pgpgout++;
	} else {
		ug->nr_kmem += compound_nr(page);
		__ClearPageKmemcg(page);
	}

	page->mem_cgroup = NULL;
}

/**
 * mem_cgroup_uncharge - uncharge a page
 * @page: page to uncharge
 *
 * Called on the way to freeing @page: the caller holds the last reference.
 */
void mem_cgroup_uncharge(struct page *page)
{
	struct uncharge_gather ug;

	if (mem_cgroup_disabled())
		return;

	/* Don't touch page->mem_cgroup of uncharged pages */
	if (!page->mem_cgroup)
		return;

	uncharge_gather_clear(&ug);
	uncharge_page(page, &ug);
	uncharge_batch(&ug);
}
