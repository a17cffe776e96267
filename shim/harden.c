#include "config.h"

#include "harden.h"
#include "measures/measure.h"
#include "util.h"

#include <errno.h>
#include <string.h>

static const struct
{
  const char *name;
  hs_measure_fn apply;
  bool process_level; /* also applies to an exec process file */
} _measures[] = {
  { "user", hs_measure_user, true },
  { "capabilities", hs_measure_capabilities, true },
  { "no_new_privileges", hs_measure_no_new_privileges, true },
  { "rootfs", hs_measure_rootfs, false },
};

static char *
_full_path (hs_measure_ctx *ctx, bool under_process, const char *path)
{
  return xasprintf ("%s%s", under_process ? ctx->process_path : "", path);
}

void
hs_measure_record (hs_measure_ctx *ctx, bool under_process, const char *path, const char *action, hs_json before,
                   hs_json after)
{
  _cleanup_free_ char *full = _full_path (ctx, under_process, path);
  hs_journal_record (ctx->journal, ctx->measure, full, action, before, after);
}

int
hs_measure_bad_type (hs_measure_ctx *ctx, bool under_process, const char *path, hs_json v, const char *expected,
                     hs_error *err)
{
  _cleanup_free_ char *full = _full_path (ctx, under_process, path);
  return hs_error_set (err, EINVAL, "`%s`: %s is %s, expected %s", ctx->file, full, hs_json_type_name (v), expected);
}

int
hs_measure_object (hs_measure_ctx *ctx, hs_json obj, const char *key, bool under_process, const char *path,
                   hs_json *ret, hs_error *err)
{
  hs_json v = hs_json_get (obj, key);

  if (v == NULL)
    {
      v = hs_json_new_object ();
      hs_json_object_set (obj, key, v);
    }
  if (!YAJL_IS_OBJECT (v))
    return hs_measure_bad_type (ctx, under_process, path, v, "an object", err);
  *ret = v;
  return 0;
}

int
hs_harden (hs_json spec, bool process_file, const char *file, const hs_policy *policy, hs_journal *journal,
           hs_error *err)
{
  hs_measure_ctx ctx = {
    .spec = process_file ? NULL : spec,
    .process = process_file ? spec : hs_json_get (spec, "process"),
    .process_path = process_file ? "" : "/process",
    .policy = policy,
    .journal = journal,
    .file = file,
  };

  if (!YAJL_IS_OBJECT (ctx.process))
    return hs_error_set (err, EINVAL, "`%s`: /process is %s, expected an object", file,
                         hs_json_type_name (ctx.process));
  for (size_t i = 0; i < HS_ARRAY_SIZE (_measures); i++)
    {
      if (process_file && !_measures[i].process_level)
        continue;
      ctx.measure = _measures[i].name;
      int r = _measures[i].apply (&ctx, err);
      if (r < 0)
        return r;
    }
  return 0;
}
