/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "lsm/apparmor.h"
#include "host/host.h"
#include "host/host_refs.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

/* The number a /proc file holds ("15234\n", "-500\n"), in [min, max]:
 * 0 with *ret set, else -errno. */
static int
_read_number (const char *path, int64_t min, int64_t max, int64_t *ret)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  char buf[32];
  ssize_t n;

  if (fd < 0)
    return -errno;
  n = read (fd, buf, sizeof buf);
  if (n < 0)
    return -errno;
  if (n > 0 && buf[n - 1] == '\n')
    n--;
  return hs_parse_int (buf, (size_t) n, min, max, ret);
}

void
hs_host_probe_userns (hs_host *host)
{
  int64_t max;

  host->userns = false;
  if (access ("/proc/self/ns/user", F_OK) < 0)
    host->userns_why = "the kernel has no user namespaces (no /proc/self/ns/user)";
  else if (_read_number ("/proc/sys/user/max_user_namespaces", 0, INT_MAX, &max) == 0 && max == 0)
    host->userns_why = "user namespaces are turned off (user.max_user_namespaces = 0)";
  else
    host->userns = true;
}

static void
_landlock (hs_host *host)
{
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

  host->landlock_abi = abi > 0 ? (int) abi : 0;
  host->landlock_why = abi > 0               ? NULL
                       : errno == EOPNOTSUPP ? "Landlock is built in but turned off (lsm= boot parameter)"
                                             : "the kernel has no Landlock";
}

void
hs_host_probe_lsm (hs_host *host)
{
  hs_apparmor_probe ("/sys", &host->apparmor, &host->apparmor_why);
  _landlock (host);
#ifdef HAVE_SELINUX
  host->selinux = is_selinux_enabled () == 1;
#endif
  while (getrandom (&host->mcs_seed, sizeof host->mcs_seed, 0) < 0 && errno == EINTR)
    ;
}

static const struct
{
  const char *type;
  int resource;
} _rlimits[] = {
  { "RLIMIT_CPU", RLIMIT_CPU },           { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },         { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },         { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },   { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },       { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },     { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

void
hs_host_probe_process (hs_host *host)
{
  /* The kernel's range (OOM_SCORE_ADJ_MIN, OOM_SCORE_ADJ_MAX). */
  host->have_inherited = _read_number ("/proc/self/oom_score_adj", -1000, 1000, &host->inherited_oom_score_adj) == 0;
  if (!host->have_inherited)
    return;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_rlimits); i++)
    {
      struct rlimit rl;
      if (getrlimit (_rlimits[i].resource, &rl) < 0)
        continue;
      host->inherited_rlimits[host->n_inherited_rlimits].type = _rlimits[i].type;
      host->inherited_rlimits[host->n_inherited_rlimits].soft = rl.rlim_cur;
      host->inherited_rlimits[host->n_inherited_rlimits++].hard = rl.rlim_max;
    }
}

void
hs_host_release (hs_host *host)
{
  free (host->apparmor_why);
  free (host->apparmor_profile);
  free (host->apparmor_text);
  free (host->join_userns_via);
  hs_json_free (host->join_maps);
  if (host->joins_userns)
    close (host->join_userns_fd);
  for (size_t i = 0; i < host->n_joined; i++)
    {
      free (host->joined[i].via);
      close (host->joined[i].fd);
    }
  hs_host_refs_release (host);
  *host = (hs_host){ 0 };
}

void
hs_host_restore_view (hs_host *host)
{
  if (host->landlock_abi > 0)
    host->landlock_lost = "CRIU cannot restore a Landlock domain: the restored processes run without it";
}
