/* SPDX-License-Identifier: Apache-2.0 */
/* The policy parser: a policy file's bytes through hs_policy_parse, then
 * the class ranges from tests/data/subid and the class a container
 * without annotations gets.  What it accepts must be what hardshim can
 * enforce: absolute paths, deny paths no LSM reads as a pattern,
 * normalised capability names, a default class first. */
#include "config.h"

#include "fuzz.h"

#include "base/util.h"

#include <string.h>

static void
_check (const hs_policy *p)
{
  hs_error err = { 0 };

  if (p->nclasses == 0 || strcmp (p->classes[0].name, "default") != 0 || p->classes[0].match_key != NULL)
    fz_fail ("policy: the first class is not the default one");
  if (p->mode != HS_MODE_ENFORCE && p->mode != HS_MODE_AUDIT)
    fz_fail ("policy: mode %d", (int) p->mode);
  for (size_t i = 0; i < p->cap_allow.n; i++)
    if (strncmp (p->cap_allow.v[i], "CAP_", 4) != 0)
      fz_fail ("policy: capability `%s`", p->cap_allow.v[i]);
  for (size_t i = 0; i < p->deny_write.n; i++)
    if (hs_policy_check_deny_path (p->deny_write.v[i], &err) < 0)
      fz_fail ("policy: deny_write `%s`: %s", p->deny_write.v[i], err.msg);
  if (p->deny_write.n > HS_DENY_WRITE_MAX)
    fz_fail ("policy: %zu deny_write paths", p->deny_write.n);
  for (size_t i = 0; i < p->tmpfs.n; i++)
    if (p->tmpfs.v[i][0] != '/')
      fz_fail ("policy: tmpfs `%s`", p->tmpfs.v[i]);
  if (p->seccomp_profile == NULL || p->seccomp_profile[0] != '/' || p->landlock_helper == NULL
      || p->landlock_helper[0] != '/' || (p->runtime != NULL && p->runtime[0] != '/')
      || (p->journal != NULL && p->journal[0] != '/'))
    fz_fail ("policy: a path that is not absolute");
  for (size_t k = 0; k < p->nclasses; k++)
    {
      const hs_class *c = &p->classes[k];
      if (c->name == NULL || c->subid_owner == NULL || c->subid_owner[0] == '\0')
        fz_fail ("policy: class %zu without a name or an owner", k);
      if ((c->match_key == NULL) != (c->match_value == NULL))
        fz_fail ("policy: class %s: a match key without a value", c->name);
      for (size_t j = 0; j < c->allow.nbinds; j++)
        if (c->allow.binds[j].source[0] != '/')
          fz_fail ("policy: class %s: bind `%s`", c->name, c->allow.binds[j].source);
      for (size_t j = 0; j < c->allow.ndevices; j++)
        if ((c->allow.devices[j].type != 'c' && c->allow.devices[j].type != 'b')
            || strspn (c->allow.devices[j].access, "rwm") != strlen (c->allow.devices[j].access))
          fz_fail ("policy: class %s: device %zu", c->name, j);
      for (size_t j = 0; j < c->allow.hooks.n; j++)
        if (c->allow.hooks.v[j][0] != '/')
          fz_fail ("policy: class %s: hook `%s`", c->name, c->allow.hooks.v[j]);
      if (c->resources.oom_score_adj_min < -1000 || c->resources.oom_score_adj_min > 1000)
        fz_fail ("policy: class %s: oom_score_adj_min %lld", c->name, (long long) c->resources.oom_score_adj_min);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *subuid, *subgid;
  hs_policy p;
  hs_error err = { 0 };

  if (subuid == NULL)
    {
      subuid = xasprintf ("%s/tests/data/subid/classes-subuid", fz_srcdir ());
      subgid = xasprintf ("%s/tests/data/subid/classes-subgid", fz_srcdir ());
    }
  if (hs_policy_parse ((const char *) data, size, "policy.json", &p, &err) < 0)
    {
      if (err.msg == NULL)
        fz_fail ("policy: refused without a message");
      hs_error_release (&err);
      return 0;
    }
  _check (&p);
  if (hs_policy_load_subids (&p, subuid, subgid, &err) == 0)
    {
      const hs_class *c = NULL;
      for (size_t k = 0; k < p.nclasses; k++)
        if (p.classes[k].uids.start == 0 || p.classes[k].gids.start == 0 || p.classes[k].uids.size != 65536)
          fz_fail ("policy: class %s maps host id 0 or not 65536 ids", p.classes[k].name);
      for (size_t a = 0; a < p.nclasses; a++)
        for (size_t b = a + 1; b < p.nclasses; b++)
          if (p.classes[a].uids.start < p.classes[b].uids.start + p.classes[b].uids.size
              && p.classes[b].uids.start < p.classes[a].uids.start + p.classes[a].uids.size)
            fz_fail ("policy: classes %s and %s share uids", p.classes[a].name, p.classes[b].name);
      if (hs_policy_select_class (&p, NULL, "spec", &c, &err) == 0 && c == NULL)
        fz_fail ("policy: no class selected");
    }
  hs_error_release (&err);
  hs_policy_release (&p);
  return 0;
}
