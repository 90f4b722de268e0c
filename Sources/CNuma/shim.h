// libnuma from Debian's libnuma-dev; numaif.h gives get_mempolicy/move_pages for placement checks.
#include <numa.h>
#include <numaif.h>
