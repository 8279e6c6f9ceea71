/* No page API in this file: it only registers and calls a function pointer. */
struct my_ops {
	bool (*probe)(struct page *page);
	int weight;
};

static const struct my_ops default_ops = {
	.probe = probe_page,
	.weight = 1,
};

int run_probe(const struct my_ops *o, struct page *page)
{
	return o->probe(page);
}

int run_default(struct page *page)
{
	return run_probe(&default_ops, page);
}
