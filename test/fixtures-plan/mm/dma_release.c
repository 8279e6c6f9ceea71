#include <linux/mm.h>

/* Two ops tables have a field named `release`: this one's function tests its page. */
static void dma_release_page(struct device *dev, struct page *page)
{
	if (is_zone_device_page(page))
		return;
}

const struct dma_release_ops dma_release_table = {
	.release = dma_release_page,
};
