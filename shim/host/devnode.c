/* SPDX-License-Identifier: Apache-2.0 */
/* The names of the device nodes hardshim makes (devices.h): pure, in the
 * core (measures read and write them). */
#include "config.h"

#include "host/devices.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

#define PREFIX HS_DEVICES_DIR "/"

char *
hs_devnode_source (const hs_devnode *n)
{
  return xasprintf (PREFIX "%c-%u-%u-%04o-%u-%u", n->type, n->major, n->minor, (unsigned) (n->mode & 07777), n->uid,
                    n->gid);
}

/* The next '-'-separated field at *s, a number in base of at most max;
 * *s moves past it and its '-'. */
static int
_field (const char **s, unsigned base, uint64_t max, uint64_t *ret)
{
  size_t len = strcspn (*s, "-");
  int r = hs_parse_uint (*s, len, base, max, ret);

  *s += len + ((*s)[len] == '-');
  return r;
}

int
hs_devnode_parse (const char *source, hs_devnode *ret)
{
  const char *s = source + strlen (PREFIX);
  uint64_t major, minor, mode, uid, gid;
  hs_devnode n = { 0 };

  /* TYPE-MAJOR-MINOR-MODE-UID-GID: hardshim's own spelling, but a spec's
   * author may have written it. */
  if (strncmp (source, PREFIX, strlen (PREFIX)) != 0 || s[0] == '\0' || strchr ("cbp", s[0]) == NULL || s[1] != '-')
    return -EINVAL;
  s += 2;
  if (_field (&s, 10, UINT32_MAX, &major) < 0 || _field (&s, 10, UINT32_MAX, &minor) < 0
      || _field (&s, 8, 07777, &mode) < 0 || _field (&s, 10, UINT32_MAX, &uid) < 0
      || _field (&s, 10, UINT32_MAX, &gid) < 0 || s[-1] == '-' || s[0] != '\0')
    return -EINVAL;
  n.type = source[strlen (PREFIX)];
  n.major = (uint32_t) major, n.minor = (uint32_t) minor, n.mode = (mode_t) mode;
  n.uid = (uint32_t) uid, n.gid = (uint32_t) gid;
  _cleanup_free_ char *again = hs_devnode_source (&n);
  if (strcmp (again, source) != 0) /* one spelling only: no leading zeros, 4 digits of mode */
    return -EINVAL;
  *ret = n;
  return 0;
}
