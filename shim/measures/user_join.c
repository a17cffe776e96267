/* SPDX-License-Identifier: Apache-2.0 */
/* Part of measure "user": a container that joins namespaces by path
 * (pods, docker --net=container:X) whose user namespace is not the host's
 * joins that one when it is its class's, the namespaces it joins are the
 * ones the probe checked, and a network namespace runc could not join from
 * inside the user namespace is inherited from hardshim (namespaces.h). */
#include "config.h"

#include "measures/measure.h"
#include "host/namespaces.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

/* maps is exactly the class's range, as hardshim writes it: one entry,
 * container 0 at the range's start. */
static bool
_is_class_map (hs_json maps, const hs_idrange *r)
{
  uint64_t c, h, n;

  return hs_json_is_array (maps) && hs_json_array_len (maps) == 1
         && hs_json_get_uint (hs_json_get (hs_json_at (maps, 0), "containerID"), UINT32_MAX, &c) == 0
         && hs_json_get_uint (hs_json_get (hs_json_at (maps, 0), "hostID"), UINT32_MAX, &h) == 0
         && hs_json_get_uint (hs_json_get (hs_json_at (maps, 0), "size"), UINT32_MAX, &n) == 0 && c == 0
         && h == r->start && n == r->size;
}

/* Namespaces the spec joins that belong to a user namespace other than the
 * host's (namespaces.h): the container joins that one, if its mapping, as
 * the kernel shows it, is the container's class's own; two classes never
 * share one.  A user namespace path is the engine's, or hardshim's own
 * placeholder from an earlier run, decided again. */
int
hs_measure_user_join_check (hs_measure_ctx *ctx, hs_json user_ns, const hs_class *class, bool *ret_join, hs_error *err)
{
  const hs_host *h = ctx->host;
  hs_json path = user_ns != NULL ? hs_json_get (user_ns, "path") : NULL;
  bool placeholder = hs_json_is_string (path) && strcmp (hs_json_string (path), HS_USERNS_PATH) == 0;

  if (!h->joins_userns)
    {
      if (path == NULL || placeholder)
        {
          if (placeholder)
            hs_json_object_remove (user_ns, "path");
          return 0;
        }
      return hs_error_set (err, EPERM, "`%s`: /linux/namespaces joins the user namespace `%s`, the host's: refused",
                           ctx->file, hs_json_is_string (path) ? hs_json_string (path) : "?");
    }
  if (!_is_class_map (hs_json_get (h->join_maps, "uidMappings"), &class->uids)
      || !_is_class_map (hs_json_get (h->join_maps, "gidMappings"), &class->gids))
    return hs_error_set (err, EPERM,
                         "`%s`: /linux/namespaces joins `%s`, which belongs to a user namespace that is "
                         "not class `%s`'s (two classes, or a container and another runtime's, never share a user "
                         "namespace): refused",
                         ctx->file, h->join_userns_via, class->name);
  *ret_join = true;
  return 0;
}

/* The namespaces the spec joins by path are the ones the probe opened and
 * checked, bound at HS_NS_DIR/TYPE in the runtime's private mount
 * namespace; the engine's path is kept in an annotation (namespaces.h). */
void
hs_measure_user_pin (hs_measure_ctx *ctx, hs_json namespaces)
{
  hs_json ann = hs_json_get (ctx->spec, "annotations");

  hs_json ns;
  hs_json_foreach (namespaces, i, ns)
    {
      hs_json type = hs_json_get (ns, "type");
      const char *via = hs_json_is_string (type) && strcmp (hs_json_string (type), "user") != 0
                            ? hs_namespaces_via (ctx->host, hs_json_string (type))
                            : NULL;
      if (via == NULL || !hs_json_is_string (hs_json_get (ns, "path")))
        continue;
      _cleanup_json_ hs_json before = hs_json_copy (ns);
      _cleanup_free_ char *key = xasprintf (HS_NS_ANNOTATION "%s", hs_json_string (type));
      _cleanup_free_ char *pin = xasprintf (HS_NS_DIR "/%s", hs_json_string (type));
      ctx->plan->pin_namespaces = true;
      /* pinned already (a hardened spec again): nothing changes */
      if (strcmp (hs_json_string (hs_json_get (ns, "path")), pin) == 0 && hs_json_is_string (hs_json_get (ann, key))
          && strcmp (hs_json_string (hs_json_get (ann, key)), via) == 0)
        continue;
      _cleanup_free_ char *note = xasprintf ("the %s namespace hardshim opened and checked at `%s`, bound where the "
                                             "runtime joins it (the path could name another by then)",
                                             hs_json_string (type), via);
      hs_json_object_set (ns, "path", hs_json_new_string (pin));
      if (!hs_json_is_object (ann))
        hs_json_object_set (ctx->spec, "annotations", ann = hs_json_new_object ());
      hs_json_object_set (ann, key, hs_json_new_string (via));
      _cleanup_free_ char *path = xasprintf ("/linux/namespaces/%zu/path", i);
      hs_measure_record_note (ctx, false, path, "changed", hs_json_get (before, "path"), hs_json_get (ns, "path"),
                              note);
    }
}

/* runc joins the user namespace first and cannot join a network namespace
 * of another after it: the runtime starts in it instead, and the
 * container inherits it (namespaces.h). */
static void
_inherit_netns (hs_measure_ctx *ctx, hs_json namespaces)
{
  hs_json ann = hs_json_get (ctx->spec, "annotations");
  _cleanup_free_ char *note = xasprintf ("hardshim enters the network namespace `%s` before the runtime and the "
                                         "container inherits it: the runtime joins the user namespace first and "
                                         "could not join a network namespace of another after it",
                                         ctx->host->netns_via);

  for (size_t i = 0; i < hs_json_array_len (namespaces); i++)
    {
      hs_json type = hs_json_get (hs_json_at (namespaces, i), "type");
      if (hs_json_is_string (type) && strcmp (hs_json_string (type), "network") == 0)
        {
          _cleanup_json_ hs_json before = hs_json_copy (hs_json_at (namespaces, i));
          hs_json_array_remove (namespaces, i);
          hs_measure_record_note (ctx, false, "/linux/namespaces", "removed", before, NULL, note);
          break;
        }
    }
  if (!hs_json_is_object (ann))
    hs_json_object_set (ctx->spec, "annotations", ann = hs_json_new_object ());
  hs_json_object_set (ann, HS_NS_ANNOTATION "network", hs_json_new_string (ctx->host->netns_via));
  ctx->plan->enter_netns = true;
}

/* The user entry of /linux/namespaces joins the user namespace the
 * namespace probe found, bound at HS_USERNS_PATH by the bridge. */
void
hs_measure_user_join (hs_measure_ctx *ctx, hs_json namespaces, hs_json user_ns, const hs_class *class)
{
  _cleanup_json_ hs_json before = hs_json_copy (user_ns);
  _cleanup_free_ char *note = xasprintf ("joins the user namespace `%s` belongs to (class `%s`'s mapping, as the "
                                         "kernel shows it), as the namespaces it joins require",
                                         ctx->host->join_userns_via, class->name);

  hs_json path = hs_json_get (user_ns, "path");

  if (!hs_json_is_string (path) || strcmp (hs_json_string (path), HS_USERNS_PATH) != 0)
    {
      hs_json_object_set (user_ns, "path", hs_json_new_string (HS_USERNS_PATH));
      hs_measure_record_note (ctx, false, "/linux/namespaces", "changed", before, user_ns, note);
    }
  ctx->plan->join_userns = true;
  if (ctx->host->joins_netns && !ctx->host->netns_in_join_userns)
    _inherit_netns (ctx, namespaces);
}
