/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "user": the container's process never runs as root, and its
 * root is never host root.
 *
 * uid 0 becomes the policy's uid, gid 0 the policy's gid, and gid 0 leaves
 * the supplementary groups.  A spec that already runs as a non-root user
 * keeps it, and the journal says so.
 *
 * The container gets a user namespace mapping container ids
 * 0..HS_USERNS_SIZE-1 to its class's host range (policy.h).  A user
 * namespace the engine set up is kept only when both its uid and gid
 * mappings are given and every host id they map lies inside the
 * container's class's own ranges (its subordinate ids); otherwise both are
 * replaced by the class's mapping, and the journal says why.  Nothing the
 * container can name (process ids, additionalGids, device owners, tmpfs
 * uid=/gid=) then reaches a host id outside those ranges.  A process that
 * asked for root gets the policy's ids, or the highest ids a kept mapping
 * maps when it leaves the policy's out.  Without
 * user namespaces on this kernel the policy decides: refuse, or run
 * without one (journal: unavailable).  When hardshim set the mapping, the
 * plan asks for the rootfs bridge (bridge.h). */
#include "config.h"

#include "measures/measure.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
                 const char *note, uint64_t *ret, hs_error *err)
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
  hs_measure_record_note (ctx, true, path, before ? "changed" : "added", old, hs_json_get (user, key), note);
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
  if (!hs_json_is_array (gids))
    return hs_measure_bad_type (ctx, true, "/user/additionalGids", gids, "an array", err);
  before = hs_json_copy (gids);
  for (size_t i = hs_json_array_len (gids); i-- > 0;)
    {
      uint64_t gid;
      if (hs_json_get_uint (hs_json_at (gids, i), UINT32_MAX, &gid) < 0)
        return hs_measure_bad_type (ctx, true, "/user/additionalGids[]", hs_json_at (gids, i), "a 32-bit id", err);
      if (gid == 0)
        hs_json_array_remove (gids, i);
    }
  if (hs_json_array_len (gids) != hs_json_array_len (before))
    hs_measure_record (ctx, true, "/user/additionalGids", "removed", before, gids);
  return 0;
}

/* The namespace entry of type "user" in /linux/namespaces, or NULL. */
static int
_find_userns (hs_measure_ctx *ctx, hs_json namespaces, hs_json *ret, hs_error *err)
{
  *ret = NULL;
  hs_json ns;
  hs_json_foreach (namespaces, i, ns)
    {
      hs_json type = hs_json_get (ns, "type");
      if (!hs_json_is_string (type))
        return hs_measure_bad_type (ctx, false, "/linux/namespaces[]/type", type, "a string", err);
      if (strcmp (hs_json_string (type), "user") == 0)
        *ret = ns;
    }
  return 0;
}

/* The kernel takes at most this many lines in a uid_map or gid_map. */
#define HS_MAP_MAX_LINES 340

/* One line of a uid_map or gid_map: container ids container..container+size-1
 * are host ids host..host+size-1. */
typedef struct
{
  uint32_t container, host, size;
} _extent;

/* A uid or gid mapping as the kernel would be given it; n == 0: none. */
typedef struct
{
  _extent e[HS_MAP_MAX_LINES];
  size_t n;
} _idmap;

static bool
_overlap (uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
  return a < b + bn && b < a + an;
}

/* linux_[key] (uidMappings or gidMappings) read and checked as the kernel
 * checks a map written to it: at most HS_MAP_MAX_LINES entries of 32-bit
 * integers, size above 0, no range reaching id 2^32-1, no id mapped twice
 * on either side.  Absent or [] is n == 0.  Anything else is refused with
 * the entry named: the runtime would fail on it, and a spec author may
 * have written it to make two readings differ. */
static int
_read_map (hs_measure_ctx *ctx, hs_json linux_, const char *key, _idmap *ret, hs_error *err)
{
  hs_json maps = hs_json_get (linux_, key);
  _cleanup_free_ char *path = xasprintf ("/linux/%s", key);

  ret->n = 0;
  if (maps == NULL)
    return 0;
  if (!hs_json_is_array (maps))
    return hs_measure_bad_type (ctx, false, path, maps, "an array", err);
  if (hs_json_array_len (maps) > HS_MAP_MAX_LINES)
    return hs_error_set (err, EINVAL, "`%s`: %s has %zu entries, the kernel takes at most %d", ctx->file, path,
                         hs_json_array_len (maps), HS_MAP_MAX_LINES);
  hs_json m;
  hs_json_foreach (maps, i, m)
    {
      _cleanup_free_ char *at = xasprintf ("%s/%zu", path, i);
      uint64_t c, h, n;

      if (!hs_json_is_object (m) || hs_json_get_uint (hs_json_get (m, "containerID"), UINT32_MAX, &c) < 0
          || hs_json_get_uint (hs_json_get (m, "hostID"), UINT32_MAX, &h) < 0
          || hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &n) < 0)
        return hs_measure_bad_type (ctx, false, at, m, "an id mapping {containerID, hostID, size} of 32-bit integers",
                                    err);
      if (n == 0)
        return hs_error_set (err, EINVAL, "`%s`: %s has size 0: it maps no id, and the kernel refuses it", ctx->file,
                             at);
      if (c + n > UINT32_MAX || h + n > UINT32_MAX)
        return hs_error_set (err, EINVAL,
                             "`%s`: %s maps id %u (-1) or wraps past it: containerID + size and hostID + "
                             "size must be at most %u, or the kernel refuses it",
                             ctx->file, at, UINT32_MAX, UINT32_MAX);
      for (size_t k = 0; k < ret->n; k++)
        if (_overlap (c, n, ret->e[k].container, ret->e[k].size) || _overlap (h, n, ret->e[k].host, ret->e[k].size))
          return hs_error_set (err, EINVAL, "`%s`: %s and %s/%zu map an id twice, which the kernel refuses", ctx->file,
                               at, path, k);
      ret->e[ret->n++] = (_extent){ .container = (uint32_t) c, .host = (uint32_t) h, .size = (uint32_t) n };
    }
  return 0;
}

/* Container id id is mapped by m. */
static bool
_map_has (const _idmap *m, uint64_t id)
{
  for (size_t i = 0; i < m->n; i++)
    if (id >= m->e[i].container && id - m->e[i].container < m->e[i].size)
      return true;
  return false;
}

/* The highest container id m maps (0 for none). */
static uint32_t
_map_top (const _idmap *m)
{
  uint32_t top = 0;

  for (size_t i = 0; i < m->n; i++)
    if (m->e[i].container + m->e[i].size - 1 > top)
      top = m->e[i].container + m->e[i].size - 1;
  return top;
}

/* The first entry of m that maps a host id outside r; m->n when none does. */
static size_t
_map_outside (const _idmap *m, const hs_idrange *r)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->e[i].host < r->start || (uint64_t) m->e[i].host + m->e[i].size > (uint64_t) r->start + r->size)
      return i;
  return m->n;
}

/* m is exactly the class's mapping of range r: [{0, r->start, r->size}]. */
static bool
_map_is (const _idmap *m, const hs_idrange *r)
{
  return m->n == 1 && m->e[0].container == 0 && m->e[0].host == r->start && m->e[0].size == r->size;
}

static _idmap
_map_of (const hs_idrange *r)
{
  return (_idmap){ .e = { { .container = 0, .host = r->start, .size = r->size } }, .n = 1 };
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

/* replaced: the spec's mappings are replaced (journaled even where one is the
 * class's already); else the class's mapping already there (a hardened spec
 * again) is no change. */
static void
_set_mapping (hs_measure_ctx *ctx, hs_json linux_, const char *key, const hs_idrange *range, const char *note,
              bool replaced)
{
  _cleanup_free_ char *path = xasprintf ("/linux/%s", key);
  _cleanup_json_ hs_json before = hs_json_copy (hs_json_get (linux_, key));
  _idmap have;

  if (!replaced && _read_map (ctx, linux_, key, &have, NULL) == 0 && _map_is (&have, range))
    return;
  hs_json_object_set (linux_, key, _mapping (range));
  hs_measure_record_note (ctx, false, path, before ? "changed" : "added", before, hs_json_get (linux_, key), note);
}

/* Every id the process uses must be mapped by uids and gids, or the
 * runtime cannot start it; userns describes that namespace. */
static int
_check_mapped (hs_measure_ctx *ctx, uint64_t uid, uint64_t gid, const _idmap *uids, const _idmap *gids,
               const char *userns, hs_error *err)
{
  hs_json extra = hs_json_get (hs_json_get (ctx->process, "user"), "additionalGids");

  if (!_map_has (uids, uid) || !_map_has (gids, gid))
    return hs_error_set (err, EINVAL, "`%s`: %s/user %llu:%llu is outside %s", ctx->file, ctx->process_path,
                         (unsigned long long) uid, (unsigned long long) gid, userns);
  for (size_t i = 0; hs_json_is_array (extra) && i < hs_json_array_len (extra); i++)
    {
      uint64_t g = 0;
      (void) hs_json_get_uint (hs_json_at (extra, i), UINT32_MAX, &g); /* checked by _drop_root_group */
      if (!_map_has (gids, g))
        return hs_error_set (err, EINVAL, "`%s`: %s/user/additionalGids has %llu, outside %s", ctx->file,
                             ctx->process_path, (unsigned long long) g, userns);
    }
  return 0;
}

/* The first id the process names that m does not map, as "WHERE ID", or
 * NULL.  Ids 0 are left out: hardshim chooses those. */
static char *
_unmapped (hs_measure_ctx *ctx, hs_json user, const _idmap *uids, const _idmap *gids)
{
  static const char *const keys[] = { "uid", "gid" };
  const _idmap *maps[] = { uids, gids };
  hs_json extra = hs_json_get (user, "additionalGids");
  uint64_t id;

  for (size_t k = 0; k < 2; k++)
    if (hs_json_get_uint (hs_json_get (user, keys[k]), UINT32_MAX, &id) == 0 && id != 0 && !_map_has (maps[k], id))
      return xasprintf ("%s/user/%s %llu", ctx->process_path, keys[k], (unsigned long long) id);
  for (size_t i = 0; hs_json_is_array (extra) && i < hs_json_array_len (extra); i++)
    if (hs_json_get_uint (hs_json_at (extra, i), UINT32_MAX, &id) == 0 && id != 0 && !_map_has (gids, id))
      return xasprintf ("%s/user/additionalGids %llu", ctx->process_path, (unsigned long long) id);
  return NULL;
}

/* The id to give a process that asked for root, under a mapping m hardshim
 * keeps (n == 0: the class's): the policy's id wanted when m maps it, else the
 * highest id m maps (the policy's id is chosen as one no file of the image
 * is owned by; the top of a mapping is the likeliest such id).  0 when m
 * maps no id but 0. */
static uint32_t
_choose_id (const _idmap *m, uint32_t wanted)
{
  return m->n == 0 || _map_has (m, wanted) ? wanted : _map_top (m);
}

/* exec: the mappings of the container the process joins (n == 0: it has
 * no user namespace of its own). */
static int
_read_container_maps (hs_measure_ctx *ctx, _idmap *uids, _idmap *gids, hs_error *err)
{
  hs_json linux_ = hs_json_get (ctx->container, "linux");
  int r = _read_map (ctx, linux_, "uidMappings", uids, err);

  return r < 0 ? r : _read_map (ctx, linux_, "gidMappings", gids, err);
}

/* net.ipv4.ping_group_range "LO HI" may only name mapped gids: docker's
 * "0 2147483647" makes runc fail with EINVAL in a user namespace. */
static int
_fix_ping_range (hs_measure_ctx *ctx, hs_json linux_, hs_error *err)
{
  static const char key[] = "net.ipv4.ping_group_range";
  static const char path[] = "/linux/sysctl/net.ipv4.ping_group_range";
  hs_json v = hs_json_get (hs_json_get (linux_, "sysctl"), key);
  const char *s, *gap;
  uint64_t lo, hi;

  if (v == NULL)
    return 0;
  /* Spaces before each gid; gids (gid_t) in decimal, nothing after them. */
  s = hs_json_is_string (v) ? hs_json_string (v) + strspn (hs_json_string (v), " ") : NULL;
  gap = s != NULL ? s + strcspn (s, " ") : NULL;
  if (s == NULL || hs_parse_decimal (s, (size_t) (gap - s), UINT32_MAX, &lo) < 0 || *gap != ' '
      || hs_parse_decimal (gap + strspn (gap, " "), strlen (gap + strspn (gap, " ")), UINT32_MAX, &hi) < 0)
    return hs_measure_bad_type (ctx, false, path, v, "a string `LO HI`", err);
  if (hi < HS_USERNS_SIZE)
    return 0;
  _cleanup_json_ hs_json before = hs_json_copy (v);
  /* No mapped gid in the range: nobody may ping, the kernel's "1 0". */
  hs_json_object_set (hs_json_get (linux_, "sysctl"), key,
                      lo >= HS_USERNS_SIZE ? hs_json_new_string ("1 0")
                                           : hs_json_new_string_printf ("%u %u", (unsigned) lo, HS_USERNS_SIZE - 1));
  hs_measure_record_note (ctx, false, path, "changed", before, hs_json_get (hs_json_get (linux_, "sysctl"), key),
                          "gids above the user namespace's are not mapped (runc would fail with EINVAL)");
  return 0;
}

/* The user namespace the container gets, decided before the process's ids. */
typedef struct
{
  hs_json linux_, namespaces, ns; /* ns: the user entry of namespaces, or NULL */
  const hs_class *class;
  _idmap uids, gids; /* the spec's mappings */
  bool keep;         /* they stay: both given, every host id in the class's range */
  bool ours;         /* ...and they are exactly the class's mapping */
  char *why;         /* !keep and mappings were given: why they are replaced */
  bool join;         /* the container joins the class's user namespace its joined namespaces belong to */
} _userns_plan;

static void
_userns_plan_release (_userns_plan *p)
{
  free (p->why);
}

/* Why the spec's mappings cannot stay; NULL when they can.  Only ids
 * inside the container's class's own subordinate ranges are the
 * container's: any other host id (host root, a group such as `docker` or
 * `shadow`, another class's or user's range) would be shared with the host
 * or another container.  uid and gid mappings go together: with one of
 * them missing, crun maps host id 0 for the other. */
static char *
_replace_why (const _userns_plan *p)
{
  static const char *const keys[] = { "uidMappings", "gidMappings" };
  const _idmap *maps[] = { &p->uids, &p->gids };
  const hs_idrange *ranges[] = { &p->class->uids, &p->class->gids };

  if (p->ns == NULL)
    return xstrdup ("the spec maps ids without a user namespace in /linux/namespaces");
  for (size_t k = 0; k < 2; k++)
    if (maps[k]->n == 0)
      return xasprintf ("/linux/%s is %s: uid and gid mappings stay or are replaced together (with one missing, "
                        "crun maps host id 0 for the other)",
                        keys[k], hs_json_get (p->linux_, keys[k]) ? "empty" : "missing");
  for (size_t k = 0; k < 2; k++)
    {
      size_t i = _map_outside (maps[k], ranges[k]);
      if (i < maps[k]->n)
        {
          const _extent *e = &maps[k]->e[i];
          return xasprintf ("/linux/%s/%zu maps host ids %u-%llu, outside class `%s`'s %u-%llu (`%s` in /etc/sub%s)",
                            keys[k], i, e->host, (unsigned long long) e->host + e->size - 1, p->class->name,
                            ranges[k]->start, (unsigned long long) ranges[k]->start + ranges[k]->size - 1,
                            p->class->subid_owner, k == 0 ? "uid" : "gid");
        }
    }
  return NULL;
}

static int
_userns_decide (hs_measure_ctx *ctx, _userns_plan *p, hs_error *err)
{
  int r;

  r = hs_measure_object (ctx, ctx->spec, "linux", false, "/linux", &p->linux_, err);
  if (r < 0)
    return r;
  p->namespaces = hs_json_get (p->linux_, "namespaces");
  if (p->namespaces == NULL)
    hs_json_object_set (p->linux_, "namespaces", p->namespaces = hs_json_new_array ());
  if (!hs_json_is_array (p->namespaces))
    return hs_measure_bad_type (ctx, false, "/linux/namespaces", p->namespaces, "an array", err);
  r = _find_userns (ctx, p->namespaces, &p->ns, err);
  if (r < 0)
    return r;
  r = _read_map (ctx, p->linux_, "uidMappings", &p->uids, err);
  if (r == 0)
    r = _read_map (ctx, p->linux_, "gidMappings", &p->gids, err);
  p->class = ctx->class;
  if (r == 0)
    r = hs_measure_user_join_check (ctx, p->ns, p->class, &p->join, err);
  if (r < 0 || p->join)
    return r;
  if (p->uids.n == 0 && p->gids.n == 0)
    return 0; /* none given: the class's mapping */
  p->why = _replace_why (p);
  p->keep = p->why == NULL;
  p->ours = p->keep && _map_is (&p->uids, &p->class->uids) && _map_is (&p->gids, &p->class->gids);
  return 0;
}

/* A process that asked for root gets the policy's id, or under a kept
 * mapping that leaves the policy's id out, the highest id it maps
 * (journaled).  A kept mapping of no id but 0 is replaced instead. */
static int
_user_ids (hs_measure_ctx *ctx, hs_json user, const _idmap *uids, const _idmap *gids, _userns_plan *plan,
           uint64_t *ret_uid, uint64_t *ret_gid, hs_error *err)
{
  const hs_policy *pol = ctx->policy;
  uint32_t uid = _choose_id (uids, pol->uid), gid = _choose_id (gids, pol->gid);
  _cleanup_free_ char *unote = NULL, *gnote = NULL;
  int r;

  if (uid == 0 || gid == 0)
    {
      if (plan != NULL)
        {
          plan->keep = plan->ours = false;
          plan->why = xasprintf ("/linux/%s maps no id but 0, and the process may not run as root",
                                 uid == 0 ? "uidMappings" : "gidMappings");
        }
      uid = pol->uid; /* exec: refused by _check_mapped */
      gid = pol->gid;
    }
  if (uid != pol->uid)
    unote = xasprintf ("the policy's uid %u is not mapped by the user namespace: the highest uid it maps", pol->uid);
  if (gid != pol->gid)
    gnote = xasprintf ("the policy's gid %u is not mapped by the user namespace: the highest gid it maps", pol->gid);
  r = _force_non_root (ctx, user, "uid", "/user/uid", uid, unote, ret_uid, err);
  if (r == 0)
    r = _force_non_root (ctx, user, "gid", "/user/gid", gid, gnote, ret_gid, err);
  return r;
}

static int
_keep_userns (hs_measure_ctx *ctx, _userns_plan *p, uint64_t uid, uint64_t gid, hs_error *err)
{
  hs_json maps = hs_json_get (p->linux_, "uidMappings"), gmaps = hs_json_get (p->linux_, "gidMappings");
  const hs_class *c = p->class;
  _cleanup_free_ char *note
      = p->ours ? xstrdup ("the class's own mapping")
                : xasprintf ("every host id inside class `%s`'s (uids %u-%llu, gids %u-%llu)", c->name, c->uids.start,
                             (unsigned long long) c->uids.start + c->uids.size - 1, c->gids.start,
                             (unsigned long long) c->gids.start + c->gids.size - 1);
  int r = _check_mapped (ctx, uid, gid, &p->uids, &p->gids,
                         "the user namespace of /linux/uidMappings and gidMappings (map it, or leave both out for the "
                         "class's mapping)",
                         err);

  if (r < 0)
    return r;
  hs_measure_record_note (ctx, false, "/linux/uidMappings", "kept", maps, maps, note);
  hs_measure_record_note (ctx, false, "/linux/gidMappings", "kept", gmaps, gmaps, note);
  ctx->plan->bridge_rootfs = p->ours;
  ctx->plan->idmap_volumes = p->ours && c->idmap_volumes;
  return p->ours ? hs_measure_user_devices (ctx, p->linux_, err) : 0;
}

static int
_class_userns (hs_measure_ctx *ctx, _userns_plan *p, uint64_t uid, uint64_t gid, hs_error *err)
{
  const hs_class *class = p->class;
  _idmap cu = _map_of (&class->uids), cg = _map_of (&class->gids);
  int r;

  if (!ctx->host->userns)
    {
      if (!ctx->policy->userns_fallback)
        return hs_error_set (err, EOPNOTSUPP,
                             "refusing to start without a user namespace: %s (policy "
                             "`user.userns_unavailable` is `refuse`)",
                             ctx->host->userns_why);
      hs_measure_record_note (ctx, false, "/linux/namespaces", "unavailable", NULL, NULL, ctx->host->userns_why);
      return 0;
    }

  _cleanup_free_ char *userns = xasprintf ("the user namespace (ids 0-%u)", HS_USERNS_SIZE - 1);
  r = _check_mapped (ctx, uid, gid, &cu, &cg, userns, err);
  if (r < 0)
    return r;
  if (p->ns == NULL)
    {
      _cleanup_json_ hs_json add = hs_json_new_object ();
      hs_json_object_set (add, "type", hs_json_new_string ("user"));
      hs_json_array_append (p->namespaces, p->ns = hs_json_copy (add));
      if (!p->join)
        hs_measure_record (ctx, false, "/linux/namespaces", "added", NULL, add);
    }
  if (p->join)
    hs_measure_user_join (ctx, p->namespaces, p->ns, p->class);
  _cleanup_free_ char *owner = class->match_key
                                   ? xasprintf ("class `%s` (annotation `%s=%s`): the ids of `%s`", class->name,
                                                class->match_key, class->match_value, class->subid_owner)
                                   : xasprintf ("class `%s`: the ids of `%s`", class->name, class->subid_owner);
  _cleanup_free_ char *note = p->why ? xasprintf ("%s; the spec's replaced: %s", owner, p->why) : xstrdup (owner);
  _set_mapping (ctx, p->linux_, "uidMappings", &class->uids, note, p->why != NULL);
  _set_mapping (ctx, p->linux_, "gidMappings", &class->gids, note, p->why != NULL);
  ctx->plan->bridge_rootfs = true;
  ctx->plan->idmap_volumes = class->idmap_volumes;
  hs_measure_user_pin (ctx, p->namespaces);
  r = _fix_ping_range (ctx, p->linux_, err);
  if (r == 0)
    r = hs_measure_user_devices (ctx, p->linux_, err);
  return r;
}

/* Whether mount option opt asks the runtime for an idmapped mount: crun
 * reads `idmap` and `ridmap`, bare or with `=MAPPINGS`. */
static bool
_is_idmap_option (const char *opt)
{
  size_t n = strcspn (opt, "=");

  return (n == 5 && strncasecmp (opt, "idmap", 5) == 0) || (n == 6 && strncasecmp (opt, "ridmap", 6) == 0);
}

/* An idmapped mount from the spec (crun honours mounts[].uidMappings,
 * gidMappings and the `idmap` option) shows files of any host id as the
 * container's ids: a host file of group 42 becomes container gid 42's,
 * whatever the container's mapping.  Refused; the policy's
 * user.idmap_volumes idmaps volumes to the class's own mapping. */
static int
_refuse_mount_idmaps (hs_measure_ctx *ctx, hs_error *err)
{
  static const char *const keys[] = { "uidMappings", "gidMappings" };
  hs_json mounts = hs_json_get (ctx->spec, "mounts");
  const char *why = NULL;

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), opts = hs_json_get (m, "options");
      for (size_t k = 0; k < 2 && why == NULL; k++)
        {
          hs_json v = hs_json_get (m, keys[k]);
          if (v != NULL && !hs_json_is_null (v) && !(hs_json_is_array (v) && hs_json_array_len (v) == 0))
            why = keys[k];
        }
      for (size_t k = 0; hs_json_is_array (opts) && k < hs_json_array_len (opts) && why == NULL; k++)
        {
          hs_json o = hs_json_at (opts, k);
          if (hs_json_is_string (o) && _is_idmap_option (hs_json_string (o)))
            why = hs_json_string (o);
        }
      if (why != NULL)
        return hs_error_set (err, EINVAL,
                             "`%s`: /mounts/%zu has `%s`: an idmapped mount from the spec would give the "
                             "container files of any host id; leave it out (the policy's `user.idmap_volumes` idmaps "
                             "volumes to the class's mapping)",
                             ctx->file, i, why);
    }
  return 0;
}

/* create: the user namespace first, then the ids it maps. */
static int
_user_create (hs_measure_ctx *ctx, hs_json user, hs_error *err)
{
  _cleanup_ (_userns_plan_release) _userns_plan p = { 0 };
  _idmap none = { .n = 0 };
  uint64_t uid, gid;
  int r;

  r = _userns_decide (ctx, &p, err);
  if (r == 0)
    r = _refuse_mount_idmaps (ctx, err);
  if (r == 0 && p.keep)
    {
      /* An id the runtime could not map: the class's mapping maps it. */
      _cleanup_free_ char *id = _unmapped (ctx, user, &p.uids, &p.gids);
      if (id != NULL)
        {
          p.keep = p.ours = false;
          p.why = xasprintf ("it does not map %s", id);
        }
    }
  if (r == 0)
    r = _user_ids (ctx, user, p.keep ? &p.uids : &none, p.keep ? &p.gids : &none, p.keep ? &p : NULL, &uid, &gid, err);
  if (r == 0)
    r = _drop_root_group (ctx, user, err);
  if (r < 0)
    return r;
  return p.keep ? _keep_userns (ctx, &p, uid, gid, err) : _class_userns (ctx, &p, uid, gid, err);
}

/* exec: the ids must be mapped in the container's user namespace, when it
 * has one of its own. */
static int
_user_exec (hs_measure_ctx *ctx, hs_json user, hs_error *err)
{
  _idmap uids, gids;
  uint64_t uid, gid;
  int r;

  r = _read_container_maps (ctx, &uids, &gids, err);
  if (r == 0)
    r = _user_ids (ctx, user, &uids, &gids, NULL, &uid, &gid, err);
  if (r == 0)
    r = _drop_root_group (ctx, user, err);
  if (r < 0 || (uids.n == 0 && gids.n == 0))
    return r;
  return _check_mapped (ctx, uid, gid, &uids, &gids, "the container's user namespace", err);
}

int
hs_measure_user (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json user;
  int r;

  r = hs_measure_object (ctx, ctx->process, "user", true, "/user", &user, err);
  if (r < 0)
    return r;
  return ctx->spec != NULL ? _user_create (ctx, user, err) : _user_exec (ctx, user, err);
}
