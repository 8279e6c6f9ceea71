int quiet(int x)
{
	/* pagecheck: ignore PC001 */
	return x + 1;
}
