// SPDX-License-Identifier: GPL-2.0-only
#include <linux/kvm_host.h>

/* "Not ordinary RAM" decided from PG_reserved of a pfn checked only by pfn_valid(). */
bool vma_pfn_is_reserved(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long pfn = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);

	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn));	/* expect: PC004 */

	return true;
}
