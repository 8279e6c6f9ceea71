int lookup(void)
{
	return 0;
}
