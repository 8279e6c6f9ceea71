/* The leaf entry API's header: its presence is what says the tree has the softleaf API. */
#ifndef _LINUX_LEAFOPS_H
#define _LINUX_LEAFOPS_H
#endif
