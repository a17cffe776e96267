/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "lsm/apparmor.h"
#include "spec/file.h"
#include "lsm/lsm_host.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#define TEMPLATE_MAX (256u << 10)

static int
_render_apparmor (const hs_policy *policy, hs_host *host, hs_error *err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  int r = hs_file_read_trusted (HS_APPARMOR_TEMPLATE, "AppArmor profile template `" HS_APPARMOR_TEMPLATE "`",
                                TEMPLATE_MAX, &text, &len, err);

  if (r == 0)
    r = hs_apparmor_render (text, (const char *const *) policy->deny_write.v, policy->deny_write.n,
                            &host->apparmor_text, &host->apparmor_profile, err);
  return r;
}

/* Every container runs the helper first. */
static int
_check_helper (const char *path, hs_error *err)
{
  _cleanup_free_ char *shown = xasprintf ("Landlock helper `%s` (policy `lsm.landlock_helper`)", path);

  return hs_file_check_trusted (path, S_IXOTH, shown, NULL, err);
}

int
hs_lsm_prepare (const hs_policy *policy, hs_host *host, hs_error *err)
{
  if (host->apparmor)
    return _render_apparmor (policy, host, err);
  if (host->landlock_abi > 0)
    return _check_helper (policy->landlock_helper, err);
  return 0;
}

int
hs_lsm_load (const hs_host *host, hs_error *err)
{
  bool loaded_now;

  if (host->apparmor_profile == NULL)
    return 0;
  return hs_apparmor_ensure ("/sys", HS_APPARMOR_PARSER, HS_APPARMOR_STATE_DIR, host->apparmor_text,
                             host->apparmor_profile, &loaded_now, err);
}
