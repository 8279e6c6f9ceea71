/* SPDX-License-Identifier: GPL-2.0-or-later */
/* internal.h: mm/ internal definitions (pagecheck example tree) */
#ifndef __MM_INTERNAL_H
#define __MM_INTERNAL_H

#include <linux/mm.h>

struct vm_fault;
struct migrate_vma;

/* memory-failure.c */
int __soft_offline_page(struct page *page, int flags);
unsigned long dev_pagemap_mapping_shift(struct page *page,
		struct vm_area_struct *vma);

/* migrate.c: collection and preparation steps of migrate_vma_setup() */
void migrate_vma_collect(struct migrate_vma *migrate);
void migrate_vma_prepare(struct migrate_vma *migrate);
int fallback_migrate_page(struct address_space *mapping,
		struct page *newpage, struct page *page, enum migrate_mode mode);

/* memory.c */
vm_fault_t do_swap_page_cache(struct vm_fault *vmf, swp_entry_t entry);

#endif /* __MM_INTERNAL_H */
