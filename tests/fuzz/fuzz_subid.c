/* SPDX-License-Identifier: Apache-2.0 */
/* Subordinate id files: the input as /etc/subuid, the ranges of owners
 * `hardshim` (65536 ids) and `alice` (1 id) picked.  A range picked must
 * be the owner's first line of at least that many ids, cut to size, hold
 * no host id 0, stay below 2^32, and overlap no other owner's line. */
#include "config.h"

#include "fuzz.h"

#include "policy/subid.h"
#include "base/util.h"

#include <string.h>

/* One line "owner:start:count" read independently of subid.c; false when malformed. */
static bool
_line (const char *p, size_t len, const char **owner, size_t *owner_len, uint64_t *start, uint64_t *count)
{
  const char *c1 = memchr (p, ':', len), *c2;
  uint64_t *out[] = { start, count };
  const char *from[2];
  size_t n[2];

  if (c1 == NULL || c1 == p || (c2 = memchr (c1 + 1, ':', len - (size_t) (c1 + 1 - p))) == NULL)
    return false;
  from[0] = c1 + 1, n[0] = (size_t) (c2 - c1 - 1);
  from[1] = c2 + 1, n[1] = len - (size_t) (c2 + 1 - p);
  for (size_t k = 0; k < 2; k++)
    {
      if (n[k] == 0 || n[k] > 20)
        return false;
      *out[k] = 0;
      for (size_t i = 0; i < n[k]; i++)
        {
          if (from[k][i] < '0' || from[k][i] > '9')
            return false;
          if (*out[k] > (UINT32_MAX - (uint64_t) (from[k][i] - '0')) / 10)
            return false;
          *out[k] = *out[k] * 10 + (uint64_t) (from[k][i] - '0');
        }
    }
  *owner = p;
  *owner_len = (size_t) (c1 - p);
  return *count > 0 && *start + *count <= (uint64_t) UINT32_MAX + 1;
}

static void
_pick (const char *text, const char *owner, uint32_t size)
{
  hs_idrange r;
  hs_error err = { 0 };
  bool first = true;

  if (hs_subid_pick (text, "subuid", owner, size, &r, &err) < 0)
    {
      if (err.msg == NULL)
        fz_fail ("subid: refused without a message");
      hs_error_release (&err);
      return;
    }
  if (r.size != size || r.start == 0 || (uint64_t) r.start + r.size > (uint64_t) UINT32_MAX + 1)
    fz_fail ("subid: picked %u+%u for %s", r.start, r.size, owner);
  for (const char *p = text; *p != '\0';)
    {
      const char *nl = strchr (p, '\n'), *o;
      size_t len = nl ? (size_t) (nl - p) : strlen (p), olen;
      uint64_t start, count;
      if (len > 0 && p[0] != '#')
        {
          if (!_line (p, len, &o, &olen, &start, &count))
            fz_fail ("subid: picked a range from a file with the malformed line `%.*s`", (int) len, p);
          bool mine = olen == strlen (owner) && memcmp (o, owner, olen) == 0;
          if (mine && count >= size && first)
            {
              if (start != r.start)
                fz_fail ("subid: picked %u, the first range of %s starts at %llu", r.start, owner,
                         (unsigned long long) start);
              first = false;
            }
          if (!mine && start < (uint64_t) r.start + r.size && r.start < start + count)
            fz_fail ("subid: picked %u+%u for %s, which `%.*s` overlaps", r.start, r.size, owner, (int) len, p);
        }
      p += len + (nl != NULL);
    }
  if (first)
    fz_fail ("subid: picked %u for %s, which has no such line", r.start, owner);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_free_ char *text = xstrndup ((const char *) data, size);

  _pick (text, "hardshim", HS_USERNS_SIZE);
  _pick (text, "alice", 1);
  return 0;
}
