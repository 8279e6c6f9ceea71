#include <linux/mm.h>

bool probe_page(struct page *page)
{
	return is_zone_device_page(page);
}
