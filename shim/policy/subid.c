/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "policy/subid.h"
#include "base/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  const char *owner; /* not NUL-terminated: owner_len bytes */
  size_t owner_len;
  uint64_t start;
  uint64_t count;
} _entry;

/* Parse one line (without its newline); false when it is malformed. */
static bool
_parse_line (const char *line, size_t len, _entry *ret)
{
  const char *c1 = memchr (line, ':', len);
  const char *c2 = c1 ? memchr (c1 + 1, ':', len - (size_t) (c1 + 1 - line)) : NULL;

  if (c1 == NULL || c2 == NULL || c1 == line)
    return false;
  ret->owner = line;
  ret->owner_len = (size_t) (c1 - line);
  return hs_parse_decimal (c1 + 1, (size_t) (c2 - c1 - 1), UINT32_MAX, &ret->start) == 0
         && hs_parse_decimal (c2 + 1, len - (size_t) (c2 + 1 - line), UINT32_MAX, &ret->count) == 0 && ret->count > 0
         && ret->start + ret->count <= (uint64_t) UINT32_MAX + 1;
}

static bool
_is_owner (const _entry *e, const char *owner)
{
  return e->owner_len == strlen (owner) && memcmp (e->owner, owner, e->owner_len) == 0;
}

/* Call fn on every entry; -EINVAL on a malformed line.  Blank lines and
 * lines starting with '#' are skipped. */
static int
_each (const char *text, const char *file, int (*fn) (const _entry *, void *, hs_error *), void *data, hs_error *err)
{
  size_t lineno = 0;

  for (const char *p = text; *p != '\0';)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t) (nl - p) : strlen (p);
      _entry e;
      int r;

      lineno++;
      if (len > 0 && p[0] != '#')
        {
          if (!_parse_line (p, len, &e))
            return hs_error_set (err, EINVAL, "`%s` line %zu: expected `owner:start:count`", file, lineno);
          r = fn (&e, data, err);
          if (r < 0)
            return r;
        }
      p += len + (nl != NULL);
    }
  return 0;
}

typedef struct
{
  const char *file;
  const char *owner;
  uint32_t size;
  bool found;
  hs_idrange range;
} _pick;

static int
_find (const _entry *e, void *data, hs_error *err)
{
  _pick *p = data;

  (void) err;
  if (p->found || !_is_owner (e, p->owner) || e->count < p->size)
    return 0;
  p->found = true;
  p->range.start = (uint32_t) e->start;
  p->range.size = p->size;
  return 0;
}

static int
_no_overlap (const _entry *e, void *data, hs_error *err)
{
  _pick *p = data;
  uint64_t end = (uint64_t) p->range.start + p->range.size;

  if (_is_owner (e, p->owner) || e->start >= end || e->start + e->count <= p->range.start)
    return 0;
  return hs_error_set (err, EINVAL,
                       "`%s`: the range %u-%llu of `%s` overlaps `%.*s:%llu:%llu`: containers would share ids", p->file,
                       p->range.start, (unsigned long long) end - 1, p->owner, (int) e->owner_len, e->owner,
                       (unsigned long long) e->start, (unsigned long long) e->count);
}

int
hs_subid_pick (const char *text, const char *file, const char *owner, uint32_t size, hs_idrange *ret, hs_error *err)
{
  _pick p = { .file = file, .owner = owner, .size = size };
  int r = _each (text, file, _find, &p, err);

  if (r < 0)
    return r;
  if (!p.found)
    return hs_error_set (err, ENOENT,
                         "`%s` has no range of %u ids for `%s` (add one, e.g. `usermod --add-subuids "
                         "1000000-%u --add-subgids 1000000-%u %s`)",
                         file, size, owner, 1000000 + size - 1, 1000000 + size - 1, owner);
  if (p.range.start == 0)
    return hs_error_set (err, EINVAL, "`%s`: the range of `%s` starts at 0: container root would be host root", file,
                         owner);
  r = _each (text, file, _no_overlap, &p, err);
  if (r < 0)
    return r;
  *ret = p.range;
  return 0;
}
