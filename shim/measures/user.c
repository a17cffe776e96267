/* Measure "user": the container's process never runs as root, and its
 * root is never host root.
 *
 * uid 0 becomes the policy's uid, gid 0 the policy's gid, and gid 0 leaves
 * the supplementary groups.  A spec that already runs as a non-root user
 * keeps it, and the journal says so.
 *
 * The container gets a user namespace mapping container ids
 * 0..HS_USERNS_SIZE-1 to its class's host range (policy.h).  A user
 * namespace the engine set up with a mapping that leaves host root and
 * every class's range out is kept; one that maps host root, or ids of a
 * class (other than exactly the container's own class's mapping), is given
 * the class's mapping.  Without
 * user namespaces on this kernel the policy decides: refuse, or run
 * without one (journal: unavailable).  When hardshim set the mapping, the
 * plan asks for the rootfs bridge (bridge.h). */
#include "config.h"

#include "measure.h"
#include "../util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
_id (hs_measure_ctx *ctx, hs_json user, const char *key, const char *path, uint64_t *ret, hs_error *err)
{
  hs_json v = hs_json_get (user, key);

  *ret = 0; /* absent means 0 in the OCI spec */
  if (v != NULL && hs_json_get_uint (v, UINT32_MAX, ret) < 0)
    return hs_measure_bad_type (ctx, true, path, v, "a 32-bit id", err);
  return 0;
}

/* Replace a root id with the policy's; report the decision. */
static int
_force_non_root (hs_measure_ctx *ctx, hs_json user, const char *key, const char *path, uint32_t wanted,
                 uint64_t *ret, hs_error *err)
{
  hs_json before = hs_json_get (user, key);
  int r = _id (ctx, user, key, path, ret, err);

  if (r < 0)
    return r;
  if (*ret != 0)
    {
      hs_measure_record (ctx, true, path, "kept", before, before);
      return 0;
    }
  _cleanup_json_ hs_json old = hs_json_copy (before);
  hs_json_object_set (user, key, hs_json_new_uint (wanted));
  hs_measure_record (ctx, true, path, before ? "changed" : "added", old, hs_json_get (user, key));
  *ret = wanted;
  return 0;
}

static int
_drop_root_group (hs_measure_ctx *ctx, hs_json user, hs_error *err)
{
  hs_json gids = hs_json_get (user, "additionalGids");
  _cleanup_json_ hs_json before = NULL;

  if (gids == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (gids))
    return hs_measure_bad_type (ctx, true, "/user/additionalGids", gids, "an array", err);
  before = hs_json_copy (gids);
  for (size_t i = gids->u.array.len; i-- > 0;)
    {
      uint64_t gid;
      if (hs_json_get_uint (gids->u.array.values[i], UINT32_MAX, &gid) < 0)
        return hs_measure_bad_type (ctx, true, "/user/additionalGids[]", gids->u.array.values[i], "a 32-bit id",
                                    err);
      if (gid == 0)
        hs_json_array_remove (gids, i);
    }
  if (gids->u.array.len != before->u.array.len)
    hs_measure_record (ctx, true, "/user/additionalGids", "removed", before, gids);
  return 0;
}

static bool
_names_a_class (const hs_policy *p, const char *key, const char *value)
{
  for (size_t i = 1; i < p->nclasses; i++)
    if (strcmp (p->classes[i].match_key, key) == 0 && strcmp (p->classes[i].match_value, value) == 0)
      return true;
  return false;
}

/* The class the spec's annotations select: one class's match, or the
 * default when no class's annotation key is there at all. */
static int
_class (hs_measure_ctx *ctx, const hs_class **ret, hs_error *err)
{
  const hs_policy *p = ctx->policy;
  hs_json ann = hs_json_get (ctx->spec, "annotations");
  const hs_class *found = NULL;

  if (ann != NULL && !YAJL_IS_OBJECT (ann))
    return hs_measure_bad_type (ctx, false, "/annotations", ann, "an object", err);
  for (size_t i = 1; i < p->nclasses; i++)
    {
      const hs_class *c = &p->classes[i];
      hs_json v = hs_json_get (ann, c->match_key);
      if (v == NULL)
        continue;
      if (!YAJL_IS_STRING (v))
        return hs_error_set (err, EINVAL, "`%s`: annotation `%s` is %s, expected a string", ctx->file, c->match_key,
                             hs_json_type_name (v));
      if (strcmp (v->u.string, c->match_value) != 0)
        continue;
      if (found != NULL)
        return hs_error_set (err, EINVAL, "`%s`: the annotations select both class `%s` and class `%s`", ctx->file,
                             found->name, c->name);
      found = c;
    }
  /* A class key whose value names no class is a typo, not the default. */
  for (size_t i = 1; i < p->nclasses; i++)
    {
      hs_json v = hs_json_get (ann, p->classes[i].match_key);
      if (v != NULL && !_names_a_class (p, p->classes[i].match_key, v->u.string))
        return hs_error_set (err, EINVAL, "`%s`: annotation `%s=%s` names no class of the policy", ctx->file,
                             p->classes[i].match_key, v->u.string);
    }
  *ret = found != NULL ? found : &p->classes[0];
  return 0;
}

/* The namespace entry of type "user" in /linux/namespaces, or NULL. */
static int
_find_userns (hs_measure_ctx *ctx, hs_json namespaces, hs_json *ret, hs_error *err)
{
  *ret = NULL;
  for (size_t i = 0; i < namespaces->u.array.len; i++)
    {
      hs_json ns = namespaces->u.array.values[i];
      hs_json type = hs_json_get (ns, "type");
      if (!YAJL_IS_STRING (type))
        return hs_measure_bad_type (ctx, false, "/linux/namespaces[]/type", type, "a string", err);
      if (strcmp (type->u.string, "user") == 0)
        *ret = ns;
    }
  return 0;
}

/* Whether an engine's uidMappings (gids false) or gidMappings (gids
 * true) may stay: it maps neither host id 0 nor an id of a class's range. */
static int
_keepable (hs_measure_ctx *ctx, hs_json maps, const char *path, bool gids, bool *ret, hs_error *err)
{
  const hs_policy *p = ctx->policy;

  *ret = true;
  if (maps == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (maps))
    return hs_measure_bad_type (ctx, false, path, maps, "an array", err);
  for (size_t i = 0; i < maps->u.array.len; i++)
    {
      uint64_t host, size;
      hs_json m = maps->u.array.values[i];
      if (hs_json_get_uint (hs_json_get (m, "hostID"), UINT32_MAX, &host) < 0
          || hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &size) < 0)
        return hs_measure_bad_type (ctx, false, path, m, "an id mapping {containerID, hostID, size}", err);
      if (host == 0 && size > 0)
        *ret = false;
      for (size_t k = 0; k < p->nclasses; k++)
        {
          const hs_idrange *r = gids ? &p->classes[k].gids : &p->classes[k].uids;
          if (host < (uint64_t) r->start + r->size && r->start < host + size)
            *ret = false;
        }
    }
  return 0;
}

static hs_json
_mapping (const hs_idrange *range)
{
  hs_json maps = hs_json_new_array ();
  hs_json m = hs_json_new_object ();

  hs_json_object_set (m, "containerID", hs_json_new_uint (0));
  hs_json_object_set (m, "hostID", hs_json_new_uint (range->start));
  hs_json_object_set (m, "size", hs_json_new_uint (range->size));
  hs_json_array_append (maps, m);
  return maps;
}

/* Whether maps is exactly [{containerID 0, hostID range->start, size range->size}]. */
static bool
_is_mapping (hs_json maps, const hs_idrange *range)
{
  uint64_t c, h, n;
  hs_json m;

  if (!YAJL_IS_ARRAY (maps) || maps->u.array.len != 1)
    return false;
  m = maps->u.array.values[0];
  return hs_json_get_uint (hs_json_get (m, "containerID"), UINT32_MAX, &c) == 0 && c == 0
         && hs_json_get_uint (hs_json_get (m, "hostID"), UINT32_MAX, &h) == 0 && h == range->start
         && hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &n) == 0 && n == range->size;
}

static void
_set_mapping (hs_measure_ctx *ctx, hs_json linux_, const char *key, const hs_idrange *range, const char *note)
{
  _cleanup_free_ char *path = xasprintf ("/linux/%s", key);
  _cleanup_json_ hs_json before = hs_json_copy (hs_json_get (linux_, key));

  hs_json_object_set (linux_, key, _mapping (range));
  hs_measure_record_note (ctx, false, path, before ? "changed" : "added", before, hs_json_get (linux_, key), note);
}

/* id is mapped: in one of the ranges of key (uidMappings or gidMappings;
 * a mapping that is not one counts as none) of linux_, or, for a NULL
 * linux_, below HS_USERNS_SIZE (the class's mapping hardshim sets). */
static bool
_mapped (hs_json linux_, const char *key, uint64_t id)
{
  hs_json mappings = hs_json_get (linux_, key);

  if (linux_ == NULL)
    return id < HS_USERNS_SIZE;
  for (size_t i = 0; YAJL_IS_ARRAY (mappings) && i < mappings->u.array.len; i++)
    {
      hs_json m = mappings->u.array.values[i];
      uint64_t start, size;
      if (hs_json_get_uint (hs_json_get (m, "containerID"), UINT32_MAX, &start) == 0
          && hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &size) == 0 && id >= start && id - start < size)
        return true;
    }
  return false;
}

/* Every id the process uses must be mapped, or the runtime cannot start it:
 * by linux_'s mappings (NULL: the class's mapping), described as userns. */
static int
_check_mapped (hs_measure_ctx *ctx, uint64_t uid, uint64_t gid, hs_json linux_, const char *userns, hs_error *err)
{
  hs_json extra = hs_json_get (hs_json_get (ctx->process, "user"), "additionalGids");

  if (!_mapped (linux_, "uidMappings", uid) || !_mapped (linux_, "gidMappings", gid))
    return hs_error_set (err, EINVAL, "`%s`: %s/user %llu:%llu is outside %s", ctx->file, ctx->process_path,
                         (unsigned long long) uid, (unsigned long long) gid, userns);
  for (size_t i = 0; YAJL_IS_ARRAY (extra) && i < extra->u.array.len; i++)
    {
      uint64_t g = 0;
      (void) hs_json_get_uint (extra->u.array.values[i], UINT32_MAX, &g); /* checked by _drop_root_group */
      if (!_mapped (linux_, "gidMappings", g))
        return hs_error_set (err, EINVAL, "`%s`: %s/user/additionalGids has %llu, outside %s", ctx->file,
                             ctx->process_path, (unsigned long long) g, userns);
    }
  return 0;
}

/* exec: the ids must be mapped in the container's user namespace, when it
 * has one of its own. */
static int
_check_exec_mapped (hs_measure_ctx *ctx, uint64_t uid, uint64_t gid, hs_error *err)
{
  hs_json linux_ = hs_json_get (ctx->container, "linux");

  if (hs_json_get (linux_, "uidMappings") == NULL && hs_json_get (linux_, "gidMappings") == NULL)
    return 0;
  return _check_mapped (ctx, uid, gid, linux_, "the container's user namespace", err);
}

/* net.ipv4.ping_group_range "LO HI" may only name mapped gids: docker's
 * "0 2147483647" makes runc fail with EINVAL in a user namespace. */
static int
_fix_ping_range (hs_measure_ctx *ctx, hs_json linux_, hs_error *err)
{
  static const char key[] = "net.ipv4.ping_group_range";
  static const char path[] = "/linux/sysctl/net.ipv4.ping_group_range";
  hs_json v = hs_json_get (hs_json_get (linux_, "sysctl"), key);
  unsigned long long lo, hi;
  int end = 0;

  if (v == NULL)
    return 0;
  if (!YAJL_IS_STRING (v) || strspn (v->u.string, "0123456789 ") != strlen (v->u.string)
      || sscanf (v->u.string, "%llu %llu%n", &lo, &hi, &end) != 2 || v->u.string[end] != '\0')
    return hs_measure_bad_type (ctx, false, path, v, "a string `LO HI`", err);
  if (hi < HS_USERNS_SIZE)
    return 0;
  _cleanup_json_ hs_json before = hs_json_copy (v);
  /* No mapped gid in the range: nobody may ping, the kernel's "1 0". */
  hs_json_object_set (hs_json_get (linux_, "sysctl"), key,
                      lo >= HS_USERNS_SIZE ? hs_json_new_string ("1 0")
                                           : hs_json_new_string_printf ("%llu %u", lo, HS_USERNS_SIZE - 1));
  hs_measure_record_note (ctx, false, path, "changed", before, hs_json_get (hs_json_get (linux_, "sysctl"), key),
                          "gids above the user namespace's are not mapped (runc would fail with EINVAL)");
  return 0;
}

static int
_userns (hs_measure_ctx *ctx, uint64_t uid, uint64_t gid, hs_error *err)
{
  hs_json linux_, namespaces, ns, maps, gmaps;
  const hs_class *class = NULL;
  bool keep_u, keep_g;
  int r;

  r = hs_measure_object (ctx, ctx->spec, "linux", false, "/linux", &linux_, err);
  if (r < 0)
    return r;
  namespaces = hs_json_get (linux_, "namespaces");
  if (namespaces == NULL)
    hs_json_object_set (linux_, "namespaces", namespaces = hs_json_new_array ());
  if (!YAJL_IS_ARRAY (namespaces))
    return hs_measure_bad_type (ctx, false, "/linux/namespaces", namespaces, "an array", err);
  r = _find_userns (ctx, namespaces, &ns, err);
  if (r < 0)
    return r;
  if (ns != NULL && hs_json_get (ns, "path") != NULL)
    return hs_error_set (err, EINVAL, "`%s`: joining an existing user namespace (/linux/namespaces path) is not "
                         "supported: hardshim cannot check its id mapping", ctx->file);

  maps = hs_json_get (linux_, "uidMappings");
  gmaps = hs_json_get (linux_, "gidMappings");
  r = _keepable (ctx, maps, "/linux/uidMappings", false, &keep_u, err);
  if (r == 0)
    r = _keepable (ctx, gmaps, "/linux/gidMappings", true, &keep_g, err);
  if (r == 0)
    r = _class (ctx, &class, err);
  if (r < 0)
    return r;
  /* The class's own mapping: a spec hardshim wrote before, whose rootfs
   * still needs the bridge.  Any other mapping into a class's range would
   * share that class's ids. */
  bool ours = _is_mapping (maps, &class->uids) && _is_mapping (gmaps, &class->gids);
  if (ns != NULL && maps != NULL && maps->u.array.len > 0 && (ours || (keep_u && keep_g)))
    {
      hs_measure_record_note (ctx, false, "/linux/uidMappings", "kept", maps, maps,
                              ours ? "the class's own mapping" : "the engine's user namespace leaves host root out");
      hs_measure_record (ctx, false, "/linux/gidMappings", "kept", gmaps, gmaps);
      ctx->plan->bridge_rootfs = ours;
      ctx->plan->idmap_volumes = ours && class->idmap_volumes;
      return ours ? hs_measure_user_devices (ctx, linux_, err) : 0;
    }

  if (!ctx->host->userns)
    {
      if (!ctx->policy->userns_fallback)
        return hs_error_set (err, EOPNOTSUPP, "refusing to start without a user namespace: %s (policy "
                             "`user.userns_unavailable` is `refuse`)", ctx->host->userns_why);
      hs_measure_record_note (ctx, false, "/linux/namespaces", "unavailable", NULL, NULL, ctx->host->userns_why);
      return 0;
    }

  _cleanup_free_ char *userns = xasprintf ("the user namespace (ids 0-%u)", HS_USERNS_SIZE - 1);
  r = _check_mapped (ctx, uid, gid, NULL, userns, err);
  if (r < 0)
    return r;
  if (ns == NULL)
    {
      _cleanup_json_ hs_json add = hs_json_new_object ();
      hs_json_object_set (add, "type", hs_json_new_string ("user"));
      hs_json_array_append (namespaces, hs_json_copy (add));
      hs_measure_record (ctx, false, "/linux/namespaces", "added", NULL, add);
    }
  _cleanup_free_ char *note = class->match_key
                                  ? xasprintf ("class `%s` (annotation `%s=%s`): the ids of `%s`", class->name,
                                               class->match_key, class->match_value, class->subid_owner)
                                  : xasprintf ("class `%s`: the ids of `%s`", class->name, class->subid_owner);
  _set_mapping (ctx, linux_, "uidMappings", &class->uids, note);
  _set_mapping (ctx, linux_, "gidMappings", &class->gids, note);
  ctx->plan->bridge_rootfs = true;
  ctx->plan->idmap_volumes = class->idmap_volumes;
  r = _fix_ping_range (ctx, linux_, err);
  if (r == 0)
    r = hs_measure_user_devices (ctx, linux_, err);
  return r;
}

int
hs_measure_user (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json user;
  uint64_t uid, gid;
  int r;

  r = hs_measure_object (ctx, ctx->process, "user", true, "/user", &user, err);
  if (r == 0)
    r = _force_non_root (ctx, user, "uid", "/user/uid", ctx->policy->uid, &uid, err);
  if (r == 0)
    r = _force_non_root (ctx, user, "gid", "/user/gid", ctx->policy->gid, &gid, err);
  if (r == 0)
    r = _drop_root_group (ctx, user, err);
  if (r == 0 && ctx->spec != NULL)
    r = _userns (ctx, uid, gid, err);
  if (r == 0 && ctx->spec == NULL)
    r = _check_exec_mapped (ctx, uid, gid, err);
  return r;
}
