// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-based Virtual Machine driver for Linux
 * (pagecheck example tree, v5.4 shapes, cut down)
 *
 * kvm_is_reserved_pfn() decides "this pfn is not ordinary RAM, do not
 * refcount it" from PG_reserved.  It checks the pfn with pfn_valid() only,
 * so the memmap it reads may be uninitialized, and ZONE_DEVICE pages need
 * not be PG_reserved at all (PC004).
 */

#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/export.h>

bool kvm_is_reserved_pfn(kvm_pfn_t pfn)
{
	if (pfn_valid(pfn))
		return PageReserved(pfn_to_page(pfn));

	return true;
}

void kvm_release_pfn_clean(kvm_pfn_t pfn)
{
	if (!is_error_noslot_pfn(pfn) && !kvm_is_reserved_pfn(pfn))
		put_page(pfn_to_page(pfn));
}
EXPORT_SYMBOL_GPL(kvm_release_pfn_clean);

void kvm_get_pfn(kvm_pfn_t pfn)
{
	if (!kvm_is_reserved_pfn(pfn))
		get_page(pfn_to_page(pfn));
}
EXPORT_SYMBOL_GPL(kvm_get_pfn);
