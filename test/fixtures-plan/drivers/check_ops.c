/* No page API: calls through the field mm/scoped.c assigns scoped_test() to. */
struct scoped_ops {
	bool (*check)(struct page *page);
};

int run_check(const struct scoped_ops *o, struct page *page)
{
	return o-> /* through the table */ check(page);
}
