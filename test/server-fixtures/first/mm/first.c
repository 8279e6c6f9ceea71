// SPDX-License-Identifier: GPL-2.0
/*
 * Findings first (language-server tests): most functions of the open file need no summary for the findings. The
 * one finding (dev_test) needs a local caller (local_caller) and a RET definition in this file (pick_page), neither
 * of which mentions a ZONE_DEVICE test or a pfn; drivers/first_user.c's finding needs first_pick(), defined here.
 */
#include <linux/mm.h>

/* test/server/first.test.ts adds 40 filler functions around these (most functions need no summary). */

static struct page *pick_page(struct page *page)
{
	return page;
}

static bool dev_test(struct page *page)
{
	return is_zone_device_page(page);	/* expect: PC001 */
}

static bool local_caller(pte_t pte)
{
	return dev_test(pick_page(pte_page(pte)));
}

struct page *first_pick(struct page *page)
{
	return page;
}

static int held_page(struct page *page)
{
	struct page *held = page;

	get_page(held);
	put_page(held);
	return 0;
}

