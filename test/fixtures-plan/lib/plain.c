/* No page API in this file either. */
void other(void)
{
	check_page2(lookup());
}

void forward(struct page *pg)
{
	check_page2(pg);
}
