/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "lsm/selinux_label.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

#define CATEGORIES 1024u

char *
hs_selinux_container_level (const char *label)
{
  unsigned a, b;
  int end = -1;
  const char *level;

  /* USER:ROLE:TYPE:LEVEL, the type the container's */
  level = strchr (label, ':');
  level = level ? strchr (level + 1, ':') : NULL;
  if (level == NULL || strncmp (level + 1, "container_t:", strlen ("container_t:")) != 0)
    return NULL;
  level += 1 + strlen ("container_t:");
  if (sscanf (level, "s0:c%u,c%u%n", &a, &b, &end) != 2 || end < 0 || level[end] != '\0' || a >= b
      || b >= CATEGORIES)
    return NULL;
  char *again = xasprintf ("s0:c%u,c%u", a, b);
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
