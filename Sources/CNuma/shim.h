// libnuma from Debian's libnuma-dev; numaif.h gives get_mempolicy/move_pages for placement checks.
#ifndef CNUMA_SHIM_H
#define CNUMA_SHIM_H
#include <numa.h>
#include <numaif.h>

// sched_getcpu is a GNU extension: declared here rather than defining _GNU_SOURCE, which would
// change glibc's struct layouts (fd_set) and clash with other modules importing the same headers.
extern int sched_getcpu(void);

/// The CPU the calling thread runs on.
static inline int cnuma_current_cpu(void) { return sched_getcpu(); }
#endif
