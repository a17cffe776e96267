/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "policy/capnames.h"
#include "base/util.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

int
hs_capname_normalize (const char *name, char **ret, hs_error *err)
{
  const char *bare = strncasecmp (name, "CAP_", 4) == 0 ? name + 4 : name;
  _cleanup_free_ char *lower = xstrdup (bare);
  char *out;

  for (char *p = lower; *p; p++)
    *p = (char) tolower ((unsigned char) *p);
  if (lower[0] == '\0' || capng_name_to_capability (lower) < 0)
    return hs_error_set (err, EINVAL, "unknown capability `%s`", name);
  out = xasprintf ("CAP_%s", bare);
  for (char *p = out + 4; *p; p++)
    *p = (char) toupper ((unsigned char) *p);
  *ret = out;
  return 0;
}
