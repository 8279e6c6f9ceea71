#include <linux/memremap.h>

static void with_pgmap(unsigned long pfn, struct dev_pagemap *pgmap)
{
	struct page *page = pfn_to_page(pfn);

	if (is_zone_device_page(page))
		return;
}

void pinner(unsigned long pfn)
{
	struct dev_pagemap *pgmap = get_dev_pagemap(pfn, NULL);

	if (!pgmap)
		return;
	with_pgmap(pfn, pgmap);
	put_dev_pagemap(pgmap);
}
