/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect": hooks, which run as host root: an engine's own
 * (host_refs.h) and the programs the class lists, by identity. */
#include "config.h"

#include "measures/detect.h"
#include "host/host_refs.h"
#include "base/util.h"

#include <string.h>

static const char *const _stages[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

/* Whether the class lists the program of ref (by identity). */
static bool
_class_lists_hook (const hs_detect *d, const hs_hook_ref *ref)
{
  const hs_host *host = d->ctx->host;
  const hs_class *c = d->ctx->class;

  if (ref == NULL || host->class_hooks == NULL || d->class_index >= host->nclasses)
    return false;
  for (size_t j = 0; j < c->allow.hooks.n; j++)
    if (hs_id_ref_same (&host->class_hooks[d->class_index][j], &ref->id))
      return true;
  return false;
}

/* A class-listed hook runs with no environment from the spec: any
 * variable (LD_PRELOAD, GCONV_PATH, PATH for the programs a script calls,
 * an interpreter's options) could run the spec's own code in the program
 * the class trusts, as host root.  The first one, or NULL. */
static const char *
_hook_env (hs_json hook)
{
  hs_json env = hs_json_get (hook, "env");

  if (hs_json_is_array (env) && hs_json_array_len (env) > 0)
    return hs_json_is_string (hs_json_at (env, 0)) ? hs_json_string (hs_json_at (env, 0)) : "(not a string)";
  if (env != NULL && !hs_json_is_array (env))
    return "(not an array)";
  return NULL;
}

/* A hook that runs gets the program's own path, the one the probe judged
 * (a link on the way could be swapped before the runtime runs it); not a
 * startContainer hook the lsm measure put its helper in front of. */
static void
_own_path (hs_detect *d, hs_json hook, const hs_hook_ref *ref, const char *stage, size_t i)
{
  hs_json path = hs_json_get (hook, "path");
  _cleanup_json_ hs_json before = NULL;
  _cleanup_free_ char *where = NULL;

  if (ref->real == NULL || !hs_json_is_string (path) || strcmp (hs_json_string (path), ref->path) != 0
      || strcmp (hs_json_string (path), ref->real) == 0)
    return;
  before = hs_json_copy (path);
  hs_json_object_set (hook, "path", hs_json_new_string (ref->real));
  where = xasprintf ("/hooks/%s/%zu/path", stage, i);
  hs_measure_record_note (d->ctx, false, where, "changed", before, hs_json_get (hook, "path"),
                          "the program's own path, which the probe judged: the runtime looks the path up again");
}

/* Hooks run as host root, most in the host's namespaces: only an engine's
 * own (host_refs.h) and the programs the class lists run. */
void
hs_detect_hooks (hs_detect *d, hs_json hooks)
{
  for (size_t s = 0; hs_json_is_object (hooks) && s < HS_ARRAY_SIZE (_stages); s++)
    {
      hs_json list = hs_json_get (hooks, _stages[s]);
      for (size_t i = 0; hs_json_is_array (list) && i < hs_json_array_len (list); i++)
        {
          hs_json hook = hs_json_at (list, i);
          const hs_hook_ref *ref = hs_host_hook_ref (d->ctx->host, _stages[s], i);
          /* the engine's: the lsm measure may have put its helper in front */
          hs_json orig = hs_json_get (hs_json_get (d->ctx->original, "hooks"), _stages[s]);
          const char *prog;

          orig = hs_json_is_array (orig) && i < hs_json_array_len (orig) ? hs_json_get (hs_json_at (orig, i), "path")
                                                                         : NULL;
          prog = hs_json_is_string (orig) ? hs_json_string (orig) : "(no path)";
          _cleanup_free_ char *path = xasprintf ("/hooks/%s/%zu", _stages[s], i);

          const char *env = _hook_env (hook);
          if ((ref != NULL && ref->engine != NULL) || (_class_lists_hook (d, ref) && ref->trusted && env == NULL))
            {
              _own_path (d, hook, ref, _stages[s], i);
              continue;
            }
          if (_class_lists_hook (d, ref) && ref->trusted)
            hs_detect_refuse (
                d, path, hook,
                "hook %s[%zu] %s is refused by policy %s: the class lists it, but the spec sets `%.*s` in "
                "its environment (a hook a class lists runs with none: any variable could make it run "
                "other code as root)",
                _stages[s], i, prog, d->policy_name, (int) strcspn (env, "="), env);
          else if (_class_lists_hook (d, ref))
            hs_detect_refuse (d, path, hook,
                              "hook %s[%zu] %s is refused by policy %s: the class lists it, but it or a directory "
                              "above it can be changed by a user other than root",
                              _stages[s], i, prog, d->policy_name);
          else
            hs_detect_refuse (d, path, hook,
                              "hook %s[%zu] %s (an OCI hook from the spec or an engine's hooks directory) is refused "
                              "by policy %s; allow it for a class with \"allow\": {\"hooks\": [\"%s\"]}",
                              _stages[s], i, prog, d->policy_name, prog);
        }
    }
}
