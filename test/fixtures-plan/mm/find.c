#include <linux/mm.h>

extern pte_t *global_pte;

struct page *find_it(void)
{
	return pte_page(*global_pte);
}
