/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "measures/harden.h"
#include "measures/measure.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

static const struct
{
  const char *name;
  hs_measure_fn apply;
  bool process_level;        /* also applies to an exec process file */
  const char *audit_applies; /* key under /linux the measure writes in audit mode too */
} _measures[] = {
  { "annotations", hs_measure_annotations, false, NULL },
  { "user", hs_measure_user, true, NULL },
  { "capabilities", hs_measure_capabilities, true, NULL },
  { "no_new_privileges", hs_measure_no_new_privileges, true, NULL },
  { "rootfs", hs_measure_rootfs, false, NULL },
  { "seccomp", hs_measure_seccomp, false, "seccomp" },
  { "lsm", hs_measure_lsm, true, NULL },
  { "detect", hs_measure_detect, true, NULL },
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

void
hs_measure_record_note (hs_measure_ctx *ctx, bool under_process, const char *path, const char *action, hs_json before,
                        hs_json after, const char *note)
{
  _cleanup_free_ char *full = _full_path (ctx, under_process, path);
  hs_journal_record_note (ctx->journal, ctx->measure, full, action, before, after, note);
}

void
hs_measure_record_applied (hs_measure_ctx *ctx, bool under_process, const char *path, const char *action,
                           hs_json before, hs_json after)
{
  _cleanup_free_ char *full = _full_path (ctx, under_process, path);
  hs_journal_record_applied (ctx->journal, ctx->measure, full, action, before, after);
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
  if (!hs_json_is_object (v))
    return hs_measure_bad_type (ctx, under_process, path, v, "an object", err);
  *ret = v;
  return 0;
}

hs_json
hs_measure_new_mount (const char *destination, const char *type, const char *source, const char *const *options)
{
  hs_json m = hs_json_new_object (), opts = hs_json_new_array ();

  hs_json_object_set (m, "destination", hs_json_new_string (destination));
  hs_json_object_set (m, "type", hs_json_new_string (type));
  hs_json_object_set (m, "source", hs_json_new_string (source));
  for (; *options != NULL; options++)
    hs_json_array_append (opts, hs_json_new_string (*options));
  hs_json_object_set (m, "options", opts);
  return m;
}

/* Audit mode: the measures ran on a copy; carry over what they apply anyway. */
static void
_transplant (hs_json spec, hs_json work, const char *key)
{
  hs_json from = hs_json_get (hs_json_get (work, "linux"), key);
  hs_json to = hs_json_get (spec, "linux");

  if (from == NULL)
    return;
  if (to == NULL)
    {
      to = hs_json_new_object ();
      hs_json_object_set (spec, "linux", to);
    }
  hs_json_object_set (to, key, hs_json_copy (from));
}

int
hs_harden (hs_json spec, hs_json container, const char *file, const hs_policy *policy, const hs_host *host,
           hs_journal *journal, hs_plan *ret, hs_error *err)
{
  bool process_file = container != NULL;
  bool audit = policy->mode == HS_MODE_AUDIT;
  _cleanup_json_ hs_json copy = audit ? hs_json_copy (spec) : NULL;
  _cleanup_json_ hs_json original = hs_json_copy (spec);
  hs_json work = audit ? copy : spec;
  hs_measure_ctx ctx = {
    .spec = process_file ? NULL : work,
    .process = process_file ? work : hs_json_get (work, "process"),
    .process_path = process_file ? "" : "/process",
    .container = container,
    .original = original,
    .policy = policy,
    .host = host,
    .journal = journal,
    .file = file,
  };
  hs_plan plan = { .changed = !audit };
  int r;

  ctx.plan = &plan;
  if (!hs_json_is_object (ctx.process))
    return hs_error_set (err, EINVAL, "`%s`: /process is %s, expected an object", file,
                         hs_json_type_name (ctx.process));
  if (process_file && !hs_json_is_object (hs_json_get (container, "process")))
    return hs_error_set (err, EINVAL, "the spec of the container the exec joins has no /process object");
  /* An exec process belongs to its container's class. */
  r = hs_policy_select_class (policy, hs_json_get (process_file ? container : spec, "annotations"), file, &ctx.class,
                              err);
  if (r < 0)
    return r;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_measures); i++)
    {
      if (process_file && !_measures[i].process_level)
        continue;
      ctx.measure = _measures[i].name;
      r = _measures[i].apply (&ctx, err);
      if (r < 0)
        return r;
      if (audit && _measures[i].audit_applies != NULL)
        {
          _transplant (spec, work, _measures[i].audit_applies);
          plan.changed = true;
        }
    }
  if (audit) /* the user namespace and what goes with it were only journaled */
    plan.bridge_rootfs = plan.idmap_volumes = plan.join_userns = plan.sysfs_netns = plan.proc_host = plan.mqueue_host
        = plan.enter_netns = plan.pin_namespaces = false;
  *ret = plan;
  return 0;
}
