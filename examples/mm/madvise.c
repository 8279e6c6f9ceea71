// SPDX-License-Identifier: GPL-2.0
/*
 *	linux/mm/madvise.c (pagecheck example tree, v5.4 shapes, simplified)
 *
 * MADV_SOFT_OFFLINE / MADV_HWPOISON: the page comes from
 * get_user_pages_fast(), so soft_offline_page() is called with a reference
 * held (MF_COUNT_INCREASED).  This is the safe caller of soft_offline_page().
 */

#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/capability.h>

#ifdef CONFIG_MEMORY_FAILURE
/*
 * Error injection support for memory error handling.
 */
static int madvise_inject_error(int behavior,
		unsigned long start, unsigned long end)
{
	struct page *page;
	unsigned int order;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	for (; start < end; start += PAGE_SIZE << order) {
		unsigned long pfn;
		int ret;

		ret = get_user_pages_fast(start, 1, 0, &page);
		if (ret != 1)
			return ret;
		pfn = page_to_pfn(page);

		/*
		 * A soft-offlined hugepage is dissolved: the next round sees
		 * order-0 pages, so recompute the step every time.
		 */
		order = compound_order(compound_head(page));

		if (PageHWPoison(page)) {
			put_page(page);
			continue;
		}

		if (behavior == MADV_SOFT_OFFLINE) {
			pr_info("Soft offlining pfn %#lx at process virtual address %#lx\n",
					pfn, start);

			ret = soft_offline_page(page, MF_COUNT_INCREASED);
			if (ret)
				return ret;
			continue;
		}

		pr_info("Injecting memory failure for pfn %#lx at process virtual address %#lx\n",
				pfn, start);

		/*
		 * memory_failure() takes its own reference (no
		 * MF_COUNT_INCREASED): drop the one from gup first.
		 */
		put_page(page);
		ret = memory_failure(pfn, 0);
		if (ret)
			return ret;
	}

	return 0;
}
#endif

/*
 * The madvise(2) entry point (SYSCALL_DEFINE3 in the kernel) routes
 * MADV_HWPOISON and MADV_SOFT_OFFLINE here.
 */
int do_madvise(unsigned long start, size_t len_in, int behavior)
{
	unsigned long end;
	size_t len;

	len = PAGE_ALIGN(len_in);
	end = start + len;
#ifdef CONFIG_MEMORY_FAILURE
	if (behavior == MADV_HWPOISON || behavior == MADV_SOFT_OFFLINE)
		return madvise_inject_error(behavior, start, start + len_in);
#endif
	return madvise_behavior(start, end, behavior);
}
