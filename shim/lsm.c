#include "config.h"

#include "apparmor.h"
#include "file.h"
#include "lsm.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#define TEMPLATE_MAX (256u << 10)

static int
_render_apparmor (const hs_policy *policy, hs_host *host, hs_error *err)
{
  _cleanup_free_ char *text = NULL;
  int r = hs_file_read_regular (AT_FDCWD, HS_APPARMOR_TEMPLATE, "AppArmor profile template `" HS_APPARMOR_TEMPLATE "`",
                                false, TEMPLATE_MAX, &text, NULL, NULL, err);

  if (r == 0)
    r = hs_apparmor_render (text, (const char *const *) policy->deny_write.v, policy->deny_write.n,
                            &host->apparmor_text, &host->apparmor_profile, err);
  return r;
}

static int
_check_helper (const char *path, hs_error *err)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return hs_error_sys (err, errno, "Landlock helper `%s` (policy `lsm.landlock_helper`)", path);
  if (!S_ISREG (st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0
      || (st.st_mode & S_IXOTH) == 0)
    return hs_error_set (err, EPERM, "Landlock helper `%s` must be a regular file owned by root, executable by "
                         "everyone and writable by root only: every container runs it first", path);
  return 0;
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
