struct page *lookup(void)
{
	return find_it();
}
