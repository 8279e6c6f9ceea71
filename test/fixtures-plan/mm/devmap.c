#include <linux/mm.h>

bool check_page(struct page *page)
{
	return is_zone_device_page(page);
}

bool check_page2(struct page *page)
{
	if (is_zone_device_page(page))
		return true;
	return false;
}

void use_raw(unsigned long pfn)
{
	struct page *p;

	if (!pfn_valid(pfn))
		return;
	p = pfn_to_page(pfn);
	if (check_page(p))
		return;
	if (PageReserved(p))
		return;
}
