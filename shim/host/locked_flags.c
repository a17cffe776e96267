/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/locked_flags.h"
#include "spec/spec.h"
#include "base/util.h"

#include <string.h>
#include <sys/statvfs.h>

static const struct
{
  unsigned long flag;
  const char *option;
} _locked[] = {
  { ST_NOSUID, "nosuid" },
  { ST_NODEV, "nodev" },
  { ST_NOEXEC, "noexec" },
};

void
hs_locked_flags_add (hs_json spec, const char *bundle, hs_journal *journal)
{
  hs_json mounts = hs_json_get (spec, "mounts");

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), src = hs_json_get (m, "source"), opts = hs_json_get (m, "options");
      bool recursive;
      struct statvfs st;

      if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (src) || !hs_json_is_array (opts))
        continue;
      _cleanup_free_ char *abs = hs_json_string (src)[0] == '/' ? xstrdup (hs_json_string (src))
                                                                : xasprintf ("%s/%s", bundle, hs_json_string (src));
      if (statvfs (abs, &st) < 0)
        continue; /* the runtime reports a missing source */
      _cleanup_json_ hs_json before = hs_json_copy (opts);
      for (size_t k = 0; k < HS_ARRAY_SIZE (_locked); k++)
        if ((st.f_flag & _locked[k].flag) != 0 && !hs_json_array_has_string (opts, _locked[k].option))
          hs_json_array_append (opts, hs_json_new_string (_locked[k].option));
      if (hs_json_array_len (opts) == hs_json_array_len (before))
        continue;
      _cleanup_free_ char *path = xasprintf ("/mounts/%zu/options", i);
      _cleanup_free_ char *note = xasprintf ("the mount of `%s` has these flags locked in a user namespace (the "
                                             "runtime's remount would fail without them)",
                                             abs);
      hs_journal_record_note (journal, "user", path, "changed", before, opts, note);
    }
}
