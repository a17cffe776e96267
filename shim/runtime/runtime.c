/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "runtime/runtime.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
hs_runtime_default (void)
{
  const char *env = secure_getenv ("HARDSHIM_RUNTIME");
  return env != NULL && env[0] != '\0' ? env : HS_DEFAULT_RUNTIME;
}

int
hs_runtime_choose (const hs_policy *policy, const char **ret, hs_error *err)
{
  const char *fallback = hs_runtime_default ();

  if (policy->runtime != NULL && strcmp (policy->runtime, fallback) != 0)
    return hs_error_set (err, EINVAL,
                         "policy `%s` names runtime `%s`, but pass-through commands (start, kill, delete…) use `%s` "
                         "(HARDSHIM_RUNTIME or the build default): set HARDSHIM_RUNTIME=%s for the engine",
                         policy->source, policy->runtime, fallback, policy->runtime);
  *ret = policy->runtime != NULL ? policy->runtime : fallback;
  return 0;
}

int
hs_runtime_check (const char *runtime, hs_error *err)
{
  struct stat self, target;

  if (runtime[0] != '/')
    return hs_error_set (err, EINVAL, "runtime `%s` is not an absolute path", runtime);
  if (stat (runtime, &target) < 0)
    return hs_error_sys (err, errno, "runtime `%s`", runtime);
  if (stat ("/proc/self/exe", &self) == 0 && self.st_dev == target.st_dev && self.st_ino == target.st_ino)
    return hs_error_set (err, ELOOP, "runtime `%s` is hardshim itself: refusing to call myself", runtime);
  return 0;
}

int
hs_runtime_exec (const char *runtime, char **argv, hs_error *err)
{
  argv[0] = (char *) runtime;
  execv (runtime, argv);
  return hs_error_sys (err, errno, "execute runtime `%s`", runtime);
}
