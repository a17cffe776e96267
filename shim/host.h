/* What this host's kernel offers, probed once per create before the
 * measures run (measures make no syscalls; they read this). */
#ifndef HS_HOST_H
#define HS_HOST_H

#include <stdbool.h>

typedef struct hs_host
{
  bool userns;            /* user namespaces can be created */
  const char *userns_why; /* when not: why, for the journal */
} hs_host;

void hs_host_probe (hs_host *ret);

#endif
