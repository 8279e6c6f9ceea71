/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>

struct address_space;
struct mem_cgroup;
struct dev_pagemap;

/*
 * Cut-down struct page: only the fields the example tree touches.  For a
 * ZONE_DEVICE page @pgmap is only meaningful while something keeps the
 * device memory registered (a page reference or a pgmap reference).
 */
struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
		};
		struct {	/* ZONE_DEVICE pages */
			struct dev_pagemap *pgmap;
			void *zone_device_data;
		};
	};
	atomic_t _mapcount;
	atomic_t _refcount;
	struct mem_cgroup *mem_cgroup;
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	unsigned long vm_flags;
	pgoff_t vm_pgoff;
	struct file *vm_file;
};

#endif /* _LINUX_MM_TYPES_H */
