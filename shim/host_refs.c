/* References to host resources a spec makes (host_refs.h). Stub, being written. */
#include "config.h"

#include "host_refs.h"

#include <stddef.h>
#include <string.h>

int
hs_host_probe_refs (hs_json spec, const char *bundle, const hs_policy *policy, bool systemd_cgroup, hs_host *host,
                    hs_error *err)
{
  (void) spec;
  (void) bundle;
  (void) policy;
  (void) systemd_cgroup;
  (void) host;
  (void) err;
  return 0;
}

const hs_bind_ref *
hs_host_bind_ref (const hs_host *host, const char *source)
{
  for (size_t i = 0; i < host->nbinds; i++)
    if (strcmp (host->binds[i].source, source) == 0)
      return &host->binds[i];
  return NULL;
}

const hs_hook_ref *
hs_host_hook_ref (const hs_host *host, const char *stage, size_t index)
{
  for (size_t i = 0; i < host->nhooks; i++)
    if (strcmp (host->hooks[i].stage, stage) == 0 && host->hooks[i].index == index)
      return &host->hooks[i];
  return NULL;
}

bool
hs_id_ref_same (const hs_id_ref *a, const hs_id_ref *b)
{
  return a->exists && b->exists && a->dev == b->dev && a->ino == b->ino;
}
