/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups in what the probes found (host_refs.h, namespaces.h): pure, in
 * the core (the measures read them). */
#include "config.h"

#include "host/hook_probe.h"
#include "host/host_refs.h"
#include "host/namespaces.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const _stages[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

int
hs_hook_stage_rank (const char *stage)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_stages); i++)
    if (strcmp (stage, _stages[i]) == 0)
      return (int) i;
  return -1;
}

bool
hs_id_ref_same (const hs_id_ref *a, const hs_id_ref *b)
{
  return a->exists && b->exists && a->dev == b->dev && a->ino == b->ino;
}

int
hs_bind_ref_compare (const void *a, const void *b)
{
  return strcmp (((const hs_bind_ref *) a)->source, ((const hs_bind_ref *) b)->source);
}

const hs_bind_ref *
hs_host_bind_ref (const hs_host *host, const char *source)
{
  hs_bind_ref key = { .source = (char *) source };

  if (host->nbinds == 0)
    return NULL;
  return bsearch (&key, host->binds, host->nbinds, sizeof *host->binds, hs_bind_ref_compare);
}

static int
_compare_hooks (const void *a, const void *b)
{
  const hs_hook_ref *x = a, *y = b;
  int sx = hs_hook_stage_rank (x->stage), sy = hs_hook_stage_rank (y->stage);

  if (sx != sy)
    return sx < sy ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

const hs_hook_ref *
hs_host_hook_ref (const hs_host *host, const char *stage, size_t index)
{
  hs_hook_ref key = { .stage = stage, .index = index };
  const hs_hook_ref *found = NULL;

  if (hs_hook_stage_rank (stage) < 0)
    return NULL;
  if (host->nhooks > 0)
    found = bsearch (&key, host->hooks, host->nhooks, sizeof *host->hooks, _compare_hooks);
  for (size_t i = 0; found == NULL && i < host->nhooks; i++)
    if (strcmp (host->hooks[i].stage, stage) == 0 && host->hooks[i].index == index)
      found = &host->hooks[i];
  return found;
}

const char *
hs_namespaces_via (const hs_host *host, const char *type)
{
  for (size_t i = 0; i < host->n_joined; i++)
    if (strcmp (host->joined[i].type, type) == 0)
      return host->joined[i].via;
  return NULL;
}
