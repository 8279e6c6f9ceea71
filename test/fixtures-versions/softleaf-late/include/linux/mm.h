/* include/linux exists, leafops.h does not: this tree has no softleaf API, whatever its version says. */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H
#endif
