/* SPDX-License-Identifier: Apache-2.0 */
/* The names of the device nodes hardshim makes (devices.h): pure, in the
 * core (measures read and write them). */
#include "config.h"

#include "host/devices.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PREFIX HS_DEVICES_DIR "/"

char *
hs_devnode_source (const hs_devnode *n)
{
  return xasprintf (PREFIX "%c-%u-%u-%04o-%u-%u", n->type, n->major, n->minor, (unsigned)(n->mode & 07777), n->uid,
                    n->gid);
}

int
hs_devnode_parse (const char *source, hs_devnode *ret)
{
  hs_devnode n = { 0 };
  unsigned mode;
  int end = -1;

  if (strncmp (source, PREFIX, strlen (PREFIX)) != 0)
    return -EINVAL;
  if (sscanf (source + strlen (PREFIX), "%c-%u-%u-%o-%u-%u%n", &n.type, &n.major, &n.minor, &mode, &n.uid, &n.gid, &end)
          != 6
      || end < 0 || source[strlen (PREFIX) + end] != '\0' || strchr ("cbp", n.type) == NULL || mode > 07777)
    return -EINVAL;
  n.mode = mode;
  _cleanup_free_ char *again = hs_devnode_source (&n);
  if (strcmp (again, source) != 0) /* one spelling only: no signs, spaces or leading zeros */
    return -EINVAL;
  *ret = n;
  return 0;
}
