#include "config.h"

#include "host.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* The number in a /proc/sys file, or -1. */
static long
_sysctl (const char *path)
{
  char buf[32];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  return strtol (buf, NULL, 10);
}

void
hs_host_probe (hs_host *ret)
{
  ret->userns = false;
  if (access ("/proc/self/ns/user", F_OK) < 0)
    ret->userns_why = "the kernel has no user namespaces (no /proc/self/ns/user)";
  else if (_sysctl ("/proc/sys/user/max_user_namespaces") == 0)
    ret->userns_why = "user namespaces are turned off (user.max_user_namespaces = 0)";
  else
    ret->userns = true;
}
