/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A header with a finding of its own: VS Code opens .h files as C++ (languageId "cpp") and Neovim sets ft=cpp
 * for many kernel headers; pagecheck must audit them all the same.
 */
#ifndef _LINUX_PFN_PEEK_H
#define _LINUX_PFN_PEEK_H

#include <linux/mm.h>

/* Is the page at @pfn device memory? Reads the memmap of a pfn checked only by pfn_valid(). */
static inline bool pfn_peek_is_device(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	return is_zone_device_page(page);	/* expect: PC001 */
}

#endif /* _LINUX_PFN_PEEK_H */
