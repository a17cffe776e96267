/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "no_new_privileges": process.noNewPrivileges is always true, so
 * setuid binaries and file capabilities cannot raise privileges. */
#include "config.h"

#include "measures/measure.h"

int
hs_measure_no_new_privileges (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json v = hs_json_get (ctx->process, "noNewPrivileges");
  _cleanup_json_ hs_json before = NULL;

  if (hs_json_is_true (v))
    return 0;
  if (v != NULL && !hs_json_is_false (v))
    return hs_measure_bad_type (ctx, true, "/noNewPrivileges", v, "a boolean", err);
  before = hs_json_copy (v);
  hs_json_object_set (ctx->process, "noNewPrivileges", hs_json_new_bool (true));
  hs_measure_record (ctx, true, "/noNewPrivileges", before ? "changed" : "added", before,
                     hs_json_get (ctx->process, "noNewPrivileges"));
  return 0;
}
