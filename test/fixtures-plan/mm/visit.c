#include <linux/mm.h>

bool visit(struct page *page)
{
	return is_device_private_page(page);
}
