/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "runtime/restore.h"

#include <errno.h>
#include <string.h>

static bool
_same (hs_json v, const char *s)
{
  return hs_json_is_string (v) && strcmp (hs_json_string (v), s) == 0;
}

int
hs_restore_check_lsm (const hs_cli *cli, hs_json spec, hs_error *err)
{
  hs_json process = hs_json_get (spec, "process");
  const char *p = cli->lsm_profile;

  if (p != NULL)
    {
      bool ok = (strncmp (p, "apparmor:", 9) == 0 && _same (hs_json_get (process, "apparmorProfile"), p + 9))
                || (strncmp (p, "selinux:", 8) == 0 && _same (hs_json_get (process, "selinuxLabel"), p + 8));
      if (!ok)
        return hs_error_set (err, EPERM,
                             "restore: --lsm-profile `%s` is not the hardened spec's AppArmor profile or "
                             "SELinux label: refused (leave it out and the checkpointed one is restored)",
                             p);
    }
  if (cli->lsm_mount_context != NULL
      && !_same (hs_json_get (hs_json_get (spec, "linux"), "mountLabel"), cli->lsm_mount_context))
    return hs_error_set (err, EPERM,
                         "restore: --lsm-mount-context `%s` is not the hardened spec's mount label: "
                         "refused",
                         cli->lsm_mount_context);
  return 0;
}
