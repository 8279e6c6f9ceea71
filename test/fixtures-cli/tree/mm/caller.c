// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

/* The only caller of page_is_devmem(): it passes a raw page-table decode. */
int check_pte(pte_t pte)
{
	return page_is_devmem(pte_page(pte));
}
