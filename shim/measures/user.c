/* Measure "user": the container's process never runs as root.
 *
 * uid 0 becomes the policy's uid, gid 0 the policy's gid, and gid 0 leaves
 * the supplementary groups.  A spec that already runs as a non-root user
 * keeps it, and the journal says so. */
#include "config.h"

#include "measure.h"

#include <errno.h>

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
  return r;
}
