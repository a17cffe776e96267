/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "lsm/selinux_label.h"
#include "base/util.h"

#include <string.h>

#define CATEGORIES 1024u

char *
hs_selinux_container_level (const char *label)
{
  uint64_t a, b;
  const char *level, *comma;

  /* USER:ROLE:TYPE:LEVEL, the type the container's */
  level = strchr (label, ':');
  level = level ? strchr (level + 1, ':') : NULL;
  if (level == NULL || strncmp (level + 1, "container_t:", strlen ("container_t:")) != 0)
    return NULL;
  level += 1 + strlen ("container_t:");
  /* s0:cA,cB with categories A < B */
  if (strncmp (level, "s0:c", 4) != 0 || (comma = strchr (level + 4, ',')) == NULL || comma[1] != 'c'
      || hs_parse_decimal (level + 4, (size_t) (comma - level - 4), CATEGORIES - 1, &a) < 0
      || hs_parse_decimal (comma + 2, strlen (comma + 2), CATEGORIES - 1, &b) < 0 || a >= b)
    return NULL;
  char *again = xasprintf ("s0:c%u,c%u", (unsigned) a, (unsigned) b);
  if (strcmp (again, level) != 0) /* one spelling: no leading zeros or signs */
    {
      free (again);
      return NULL;
    }
  return again;
}

char *
hs_selinux_new_level (uint32_t seed)
{
  unsigned a = seed % CATEGORIES, b = (seed / CATEGORIES) % (CATEGORIES - 1);

  if (b >= a)
    b++; /* b != a, uniform over the other 1023 */
  return a < b ? xasprintf ("s0:c%u,c%u", a, b) : xasprintf ("s0:c%u,c%u", b, a);
}

char *
hs_selinux_process_label (const char *level)
{
  return xasprintf ("system_u:system_r:container_t:%s", level);
}

char *
hs_selinux_mount_label (const char *level)
{
  return xasprintf ("system_u:object_r:container_file_t:%s", level);
}
