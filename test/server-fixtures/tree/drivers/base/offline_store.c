// SPDX-License-Identifier: GPL-2.0
#include <linux/device.h>
#include <linux/mm.h>

static ssize_t offline_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	u64 pfn;
	int ret;

	if (kstrtoull(buf, 0, &pfn) < 0)
		return -EINVAL;
	pfn >>= PAGE_SHIFT;
	if (!pfn_valid(pfn))
		return -ENXIO;
	ret = offline_one_page(pfn_to_page(pfn));	/* expect: ok */
	return ret == 0 ? count : ret;
}

static DEVICE_ATTR_WO(offline);
