// SPDX-License-Identifier: GPL-2.0-only
/*
 *  linux/mm/memory.c (pagecheck example tree, v5.4 shapes, simplified)
 *
 * do_swap_page() is where a CPU fault meets a device-private swap entry:
 * the page decoded from the entry belongs to HMM device memory, and the
 * fault handler reaches into its pgmap to ask the driver to migrate the data
 * back to system memory.
 */

#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/memremap.h>
#include <linux/rmap.h>
#include "internal.h"

/*
 * We enter with non-exclusive mmap_sem (to exclude vma changes, but allow
 * concurrent faults), and pte mapped but not yet locked.
 */
vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	swp_entry_t entry;
	vm_fault_t ret = 0;

	if (!pte_unmap_same(vma->vm_mm, vmf->pmd, vmf->pte, vmf->orig_pte))
		goto out;

	entry = pte_to_swp_entry(vmf->orig_pte);
	if (unlikely(non_swap_entry(entry))) {
		if (is_migration_entry(entry)) {
			migration_entry_wait(vma->vm_mm, vmf->pmd,
					     vmf->address);
		} else if (is_device_private_entry(entry)) {
			page = device_private_entry_to_page(entry);
			vmf->page = page;
			ret = page->pgmap->ops->migrate_to_ram(vmf);
		} else if (is_hwpoison_entry(entry)) {
			ret = VM_FAULT_HWPOISON;
		} else {
			print_bad_pte(vma, vmf->address, vmf->orig_pte, NULL);
			ret = VM_FAULT_SIGBUS;
		}
		goto out;
	}

	/* a real swap entry: the swap-cache path is not part of this example */
	ret = do_swap_page_cache(vmf, entry);
out:
	return ret;
}
