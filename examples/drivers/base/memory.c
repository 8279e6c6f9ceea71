// SPDX-License-Identifier: GPL-2.0
/*
 * Memory subsystem support (pagecheck example tree, v5.4 shapes, simplified)
 *
 * /sys/devices/system/memory/soft_offline_page takes a physical address
 * from root.  The pfn is checked with pfn_valid() only and pfn_to_page() of
 * it goes straight to soft_offline_page(), which tests
 * is_zone_device_page() on it: pfn_valid() is true for offline sections and
 * for device memory whose pgmap nobody holds.
 */

#include <linux/device.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/capability.h>
#include <linux/kernel.h>

#ifdef CONFIG_MEMORY_FAILURE
/*
 * Support for offlining pages of memory
 */

/* Soft offline a page */
static ssize_t soft_offline_page_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	int ret;
	u64 pfn;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtoull(buf, 0, &pfn) < 0)
		return -EINVAL;
	pfn >>= PAGE_SHIFT;
	if (!pfn_valid(pfn))
		return -ENXIO;
	ret = soft_offline_page(pfn_to_page(pfn), 0);
	return ret == 0 ? count : ret;
}

/* Forcibly offline a page, including killing processes. */
static ssize_t hard_offline_page_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	int ret;
	u64 pfn;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtoull(buf, 0, &pfn) < 0)
		return -EINVAL;
	pfn >>= PAGE_SHIFT;
	ret = memory_failure(pfn, 0);
	return ret ? ret : count;
}

static DEVICE_ATTR_WO(soft_offline_page);
static DEVICE_ATTR_WO(hard_offline_page);
#endif
