/* Large buffers (the in-core tiles of a kernel matrix, the panels of a scratch file) straight from mmap: the kernel
 * hands out pages already zero, on first touch, so there is no zeroing pass before the Gram writes every entry (the
 * JVM's Arena.allocate memsets the whole segment on one thread), and madvise(MADV_HUGEPAGE) asks for 2 MiB pages,
 * where transparent huge pages are in "madvise" mode (a common default): 512 times fewer page faults on first
 * touch, and fewer TLB misses in the factorisation. No MAP_NORESERVE: the kernel's overcommit check still refuses
 * a request the machine cannot hold, which Java reports in one line, instead of a kill at first touch. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include "sparsefeat.h"

void* sf_fresh_alloc(int64_t bytes) {
  if (bytes <= 0) return NULL;
  void* p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, (size_t)bytes, MADV_HUGEPAGE);  /* advice only: refused where huge pages are off, and that is fine */
#endif
  return p;
}

void sf_fresh_free(void* p, int64_t bytes) {
  if (p && bytes > 0) munmap(p, (size_t)bytes);
}
