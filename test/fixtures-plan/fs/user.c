#include <linux/mm.h>

int user_fault(pte_t *ptep)
{
	struct page *page = pte_page(*ptep);

	return run_default(page);
}
