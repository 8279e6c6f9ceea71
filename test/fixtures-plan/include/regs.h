/* A register header: directives and comments only. */
#ifndef REGS_H
#define REGS_H
#define REG_PROBE 0x10
#define REG_CHECK(a) check_page2(a)
#define REG_LONG(x) \
	((x) + probe_page(x))
#endif
