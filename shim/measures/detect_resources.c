/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect": resources an engine may leave unbounded, repaired to
 * the class's policy (policy.h hs_resources): a pids limit where none was
 * given or one above the policy's, oomScoreAdj no lower than the policy's minimum (a negative score
 * makes the kernel kill host processes first), rlimits no higher than the
 * policy's ceilings (RLIMIT_RTPRIO lets a process take real-time priority
 * without a capability). */
#include "config.h"

#include "measures/detect.h"
#include "base/util.h"

#include <string.h>

int
hs_detect_pids (hs_detect *d, hs_json linux_, hs_error *err)
{
  int64_t want = d->ctx->class->resources.pids, have;
  hs_json resources, pids, limit;
  int r;

  if (want <= 0)
    return 0;
  r = hs_measure_object (d->ctx, linux_, "resources", false, "/linux/resources", &resources, err);
  if (r == 0)
    r = hs_measure_object (d->ctx, resources, "pids", false, "/linux/resources/pids", &pids, err);
  if (r < 0)
    return r;
  limit = hs_json_get (pids, "limit");
  if (limit != NULL && hs_json_get_int (limit, INT64_MIN, INT64_MAX, &have) < 0)
    return hs_measure_bad_type (d->ctx, false, "/linux/resources/pids/limit", limit, "a whole number", err);
  if (limit != NULL && have > 0 && have <= want)
    return 0;
  {
    _cleanup_json_ hs_json before = limit != NULL ? hs_json_copy (limit) : NULL;
    hs_json_object_set (pids, "limit", hs_json_new_int (want));
    hs_measure_record_note (d->ctx, false, "/linux/resources/pids/limit", before != NULL ? "changed" : "added", before,
                            hs_json_get (pids, "limit"),
                            limit != NULL && have > 0 ? "above the policy's resources.pids"
                                                      : "no pids limit: the policy's resources.pids");
  }
  return 0;
}

static int
_oom_score_adj (hs_detect *d, hs_error *err)
{
  hs_json v = hs_json_get (d->ctx->process, "oomScoreAdj");
  int64_t min = d->ctx->class->resources.oom_score_adj_min, n;

  if (v == NULL && d->ctx->host->have_inherited && d->ctx->host->inherited_oom_score_adj < min)
    {
      /* none given: the process would keep the runtime's (a shim's is often -998) */
      _cleanup_free_ char *note = xasprintf ("none given: the process would inherit the runtime's %lld, below the "
                                             "policy's resources.oom_score_adj_min",
                                             (long long) d->ctx->host->inherited_oom_score_adj);
      hs_json_object_set (d->ctx->process, "oomScoreAdj", hs_json_new_int (min));
      hs_measure_record_note (d->ctx, true, "/oomScoreAdj", "added", NULL, hs_json_get (d->ctx->process, "oomScoreAdj"),
                              note);
      return 0;
    }
  if (v == NULL)
    return 0;
  if (hs_json_get_int (v, -1000, 1000, &n) < 0)
    return hs_measure_bad_type (d->ctx, true, "/oomScoreAdj", v, "a whole number from -1000 to 1000", err);
  if (n >= min)
    return 0;
  {
    _cleanup_json_ hs_json before = hs_json_copy (v);
    hs_json_object_set (d->ctx->process, "oomScoreAdj", hs_json_new_int (min));
    hs_measure_record_note (d->ctx, true, "/oomScoreAdj", "changed", before,
                            hs_json_get (d->ctx->process, "oomScoreAdj"),
                            "below the policy's resources.oom_score_adj_min: the kernel would kill host processes "
                            "before this container's");
  }
  return 0;
}

static const hs_rlimit_max *
_ceiling (const hs_resources *res, const char *type)
{
  for (size_t i = 0; i < res->nrlimits; i++)
    if (strcmp (res->rlimits[i].type, type) == 0)
      return &res->rlimits[i];
  return NULL;
}

/* Lower rlimit field key of entry e (at path) to max; whether it changed. */
static int
_clamp (hs_detect *d, hs_json e, const char *key, const char *path, uint64_t max, bool *changed, hs_error *err)
{
  hs_json v = hs_json_get (e, key);
  uint64_t n;

  if (v == NULL)
    return 0;
  if (hs_json_get_uint (v, UINT64_MAX, &n) < 0)
    {
      _cleanup_free_ char *at = xasprintf ("%s/%s", path, key);
      return hs_measure_bad_type (d->ctx, true, at, v, "a whole number", err);
    }
  if (n > max)
    {
      hs_json_object_set (e, key, hs_json_new_uint (max));
      *changed = true;
    }
  return 0;
}

static int
_rlimits (hs_detect *d, hs_error *err)
{
  hs_json list = hs_json_get (d->ctx->process, "rlimits");
  int r;

  if (list == NULL)
    return 0;
  if (!hs_json_is_array (list))
    return hs_measure_bad_type (d->ctx, true, "/rlimits", list, "an array", err);
  hs_json e;
  hs_json_foreach (list, i, e)
    {
      hs_json type = hs_json_get (e, "type");
      _cleanup_free_ char *path = xasprintf ("/rlimits/%zu", i);
      _cleanup_json_ hs_json before = hs_json_copy (e);
      const hs_rlimit_max *max;
      bool changed = false;

      if (!hs_json_is_string (type) || (max = _ceiling (&d->ctx->class->resources, hs_json_string (type))) == NULL)
        continue;
      r = _clamp (d, e, "hard", path, max->max, &changed, err);
      if (r == 0)
        r = _clamp (d, e, "soft", path, max->max, &changed, err);
      if (r < 0)
        return r;
      if (changed)
        hs_measure_record_note (d->ctx, true, path, "changed", before, e,
                                "above the policy's resources.rlimits ceiling");
    }
  return 0;
}

/* Whether rlimits list has an entry of type. */
static bool
_has_type (hs_json list, const char *type)
{
  for (size_t i = 0; hs_json_is_array (list) && i < hs_json_array_len (list); i++)
    {
      hs_json t = hs_json_get (hs_json_at (list, i), "type");
      if (hs_json_is_string (t) && strcmp (hs_json_string (t), type) == 0)
        return true;
    }
  return false;
}

/* A ceiling whose type the spec does not set: the process would inherit
 * the runtime's limit (containerd's LimitNOFILE=infinity, say).  Where that
 * lies above the ceiling, the entry is added with both lowered to it. */
static void
_inherited_rlimits (hs_detect *d)
{
  const hs_host *h = d->ctx->host;
  const hs_resources *res = &d->ctx->class->resources;
  hs_json list = hs_json_get (d->ctx->process, "rlimits");

  for (size_t i = 0; h->have_inherited && i < h->n_inherited_rlimits; i++)
    {
      const hs_rlimit_max *max = _ceiling (res, h->inherited_rlimits[i].type);
      hs_json e;
      if (max == NULL || _has_type (list, max->type)
          || (h->inherited_rlimits[i].hard <= max->max && h->inherited_rlimits[i].soft <= max->max))
        continue;
      if (list == NULL)
        hs_json_object_set (d->ctx->process, "rlimits", list = hs_json_new_array ());
      e = hs_json_new_object ();
      hs_json_object_set (e, "type", hs_json_new_string (max->type));
      hs_json_object_set (
          e, "hard",
          hs_json_new_uint (h->inherited_rlimits[i].hard < max->max ? h->inherited_rlimits[i].hard : max->max));
      hs_json_object_set (
          e, "soft",
          hs_json_new_uint (h->inherited_rlimits[i].soft < max->max ? h->inherited_rlimits[i].soft : max->max));
      hs_json_array_append (list, e);
      _cleanup_free_ char *path = xasprintf ("/rlimits/%zu", hs_json_array_len (list) - 1);
      hs_measure_record_note (d->ctx, true, path, "added", NULL, e,
                              "none given: the process would inherit the runtime's limit, above the policy's "
                              "resources.rlimits ceiling");
    }
}

int
hs_detect_process_resources (hs_detect *d, hs_error *err)
{
  int r = _oom_score_adj (d, err);

  if (r == 0)
    r = _rlimits (d, err);
  if (r == 0)
    _inherited_rlimits (d);
  return r;
}
