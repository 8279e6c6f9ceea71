/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_MEMCONTROL_H
#define _LINUX_MEMCONTROL_H

#include <linux/mm_types.h>

void mem_cgroup_uncharge(struct page *page);
void mem_cgroup_uncharge_list(struct list_head *page_list);

#endif /* _LINUX_MEMCONTROL_H */
