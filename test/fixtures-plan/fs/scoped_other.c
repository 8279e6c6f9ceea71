/* Another static scoped_test(), and a field it alone is assigned to: nothing to do with mm/scoped.c's. */
struct other_ops {
	bool (*verify)(struct page *page);
};

static bool scoped_test(struct page *page)
{
	return page != 0;
}

const struct other_ops fs_other_ops = {
	.verify = scoped_test,
};

int run_verify(const struct other_ops *o, struct page *page)
{
	return o->verify(page);
}
