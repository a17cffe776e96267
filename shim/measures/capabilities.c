/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "capabilities": every capability set is reduced to the policy's
 * allowlist (empty by default).
 *
 * A capability the policy allows and the spec asked for (in the bounding
 * set and the effective or permitted set) is kept; since the "user" measure
 * made the process non-root, it survives execve only through the ambient set
 * (which needs it in the inheritable set), so it is put in all five. */
#include "config.h"

#include "measures/measure.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

static const char *const _sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };

static int
_check_set (hs_measure_ctx *ctx, hs_json caps, const char *set, hs_error *err)
{
  hs_json arr = hs_json_get (caps, set);
  _cleanup_free_ char *path = xasprintf ("/capabilities/%s", set);

  if (arr == NULL)
    return 0;
  if (!hs_json_is_array (arr))
    return hs_measure_bad_type (ctx, true, path, arr, "an array", err);
  for (size_t i = 0; i < hs_json_array_len (arr); i++)
    if (!hs_json_is_string (hs_json_at (arr, i)))
      return hs_measure_bad_type (ctx, true, path, hs_json_at (arr, i), "an array of strings", err);
  return 0;
}

/* Allowed capabilities the spec asked the process to hold. */
static bool
_wanted (hs_json caps, const char *name)
{
  return hs_json_array_has_string (hs_json_get (caps, "bounding"), name)
         && (hs_json_array_has_string (hs_json_get (caps, "effective"), name)
             || hs_json_array_has_string (hs_json_get (caps, "permitted"), name));
}

static void
_reduce (hs_json caps, const char *set, const hs_strv *allow, const hs_strv *keep)
{
  hs_json arr = hs_json_get (caps, set);

  if (arr != NULL)
    for (size_t i = hs_json_array_len (arr); i-- > 0;)
      if (!hs_strv_contains (allow, hs_json_string (hs_json_at (arr, i))))
        hs_json_array_remove (arr, i);
  for (size_t k = 0; k < keep->n; k++)
    {
      if (arr == NULL)
        {
          arr = hs_json_new_array ();
          hs_json_object_set (caps, set, arr);
        }
      if (!hs_json_array_has_string (arr, keep->v[k]))
        hs_json_array_append (arr, hs_json_new_string (keep->v[k]));
    }
}

static bool
_same_strings (hs_json a, hs_json b)
{
  size_t na = a ? hs_json_array_len (a) : 0, nb = b ? hs_json_array_len (b) : 0;

  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    if (strcmp (hs_json_string (hs_json_at (a, i)), hs_json_string (hs_json_at (b, i))) != 0)
      return false;
  return true;
}

int
hs_measure_capabilities (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json caps = hs_json_get (ctx->process, "capabilities");
  hs_strv keep = { 0 };
  int r = 0;

  if (caps == NULL)
    return 0; /* no capabilities object: the runtime grants none */
  if (!hs_json_is_object (caps))
    return hs_measure_bad_type (ctx, true, "/capabilities", caps, "an object", err);
  for (size_t s = 0; s < HS_ARRAY_SIZE (_sets); s++)
    if ((r = _check_set (ctx, caps, _sets[s], err)) < 0)
      return r;

  for (size_t a = 0; a < ctx->policy->cap_allow.n; a++)
    if (_wanted (caps, ctx->policy->cap_allow.v[a]))
      {
        keep.v = xrealloc (keep.v, (keep.n + 1) * sizeof (char *));
        keep.v[keep.n++] = ctx->policy->cap_allow.v[a];
      }

  for (size_t s = 0; s < HS_ARRAY_SIZE (_sets); s++)
    {
      _cleanup_json_ hs_json before = hs_json_copy (hs_json_get (caps, _sets[s]));
      _cleanup_free_ char *path = xasprintf ("/capabilities/%s", _sets[s]);
      hs_json after;

      _reduce (caps, _sets[s], &ctx->policy->cap_allow, &keep);
      after = hs_json_get (caps, _sets[s]);
      if (_same_strings (before, after))
        continue;
      bool grew = after != NULL && (before == NULL || hs_json_array_len (after) > hs_json_array_len (before));
      hs_measure_record (ctx, true, path, before == NULL ? "added" : grew ? "changed" : "removed", before, after);
    }
  free (keep.v); /* the strings belong to the policy */
  return 0;
}
