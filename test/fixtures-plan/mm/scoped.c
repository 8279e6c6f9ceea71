#include <linux/mm.h>

/* Static in a .c file: called, and assigned to a field, only here. */
static bool scoped_test(struct page *page)
{
	return is_zone_device_page(page);
}

struct scoped_ops {
	bool (*check)(struct page *page);
};

const struct scoped_ops mm_scoped_ops = {
	.check = scoped_test,
};

bool scoped_caller(pte_t pte)
{
	return scoped_test(pte_page(pte));
}
