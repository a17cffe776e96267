/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "runtime/journal.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
hs_journal_init (hs_journal *j, const char *id, const char *bundle, const char *file, const char *command, bool audit)
{
  memset (j, 0, sizeof *j);
  j->id = id;
  j->bundle = bundle;
  j->file = file;
  j->command = command;
  j->audit = audit;
}

static void
_set_string (hs_json obj, const char *key, const char *value)
{
  hs_json_object_set (obj, key, value ? hs_json_new_string (value) : hs_json_new_null ());
}

/* One line onto a buffer of lines, grown by doubling. */
static void
_append (char **buf, size_t *buf_len, size_t *buf_cap, const char *line, size_t len)
{
  if (*buf_len + len + 2 > *buf_cap)
    {
      size_t cap = *buf_cap > 0 ? *buf_cap : 4096;
      while (*buf_len + len + 2 > cap)
        cap *= 2;
      *buf = xrealloc (*buf, cap);
      *buf_cap = cap;
    }
  memcpy (*buf + *buf_len, line, len);
  *buf_len += len;
  (*buf)[(*buf_len)++] = '\n';
  (*buf)[*buf_len] = '\0';
}

/* v lent to rec as the value of its member key (a placeholder), as it is
 * when it is valid UTF-8, or as a copy made so (*ret_fixed owns it); the
 * placeholder is given back. */
static hs_json
_lend (hs_json rec, const char *key, hs_json v, hs_json *ret_fixed)
{
  if (v == NULL)
    return NULL;
  if (!hs_json_is_utf8 (v))
    {
      *ret_fixed = hs_json_copy (v);
      hs_json_make_utf8 (*ret_fixed);
      v = *ret_fixed;
    }
  return hs_json_object_swap (rec, key, v);
}

static void
_record (hs_journal *j, const char *measure, const char *path, const char *action, hs_json before, hs_json after,
         bool applied, const char *note)
{
  _cleanup_json_ hs_json rec = hs_json_new_object (), before_fixed = NULL, after_fixed = NULL;
  _cleanup_free_ char *line = NULL;
  hs_json before_slot, after_slot;
  bool is_change = !applied
                   && (strcmp (action, "changed") == 0 || strcmp (action, "added") == 0
                       || strcmp (action, "removed") == 0 || strcmp (action, "refused") == 0);
  char now[40];
  size_t len;
  hs_error err = { 0 };

  hs_time_iso8601 (now, sizeof now);
  _set_string (rec, "time", now);
  _set_string (rec, "id", j->id);
  if (j->bundle != NULL)
    _set_string (rec, "bundle", j->bundle);
  _set_string (rec, "file", j->file);
  _set_string (rec, "command", j->command);
  _set_string (rec, "measure", measure);
  _set_string (rec, "path", path);
  _set_string (rec, "action", j->audit && is_change ? "kept" : action);
  if (j->audit && is_change)
    _set_string (rec, "would", action);
  hs_json_object_set (rec, "before", hs_json_new_null ());
  hs_json_object_set (rec, "after", hs_json_new_null ());
  if (note != NULL)
    _set_string (rec, "note", note);
  _set_string (rec, "mode", j->audit ? "audit" : "enforce");
  hs_json_make_utf8 (rec); /* ids, paths and messages from the command line */

  /* before and after are lent, not copied: a value of a hostile size
   * (a million arguments) would otherwise be copied twice per record. */
  before_slot = _lend (rec, "before", before, &before_fixed);
  after_slot = _lend (rec, "after", after, &after_fixed);
  if (hs_json_generate (rec, false, &line, &len, &err) < 0)
    abort (); /* only strings, numbers and trees we built: cannot fail */
  if (before_slot != NULL)
    hs_json_object_swap (rec, "before", before_slot); /* the lent value goes back to its owner */
  if (after_slot != NULL)
    hs_json_object_swap (rec, "after", after_slot);

  _append (&j->buf, &j->len, &j->cap, line, len);
  j->count++;
  if (strcmp (action, "refused") == 0)
    {
      _append (&j->refused, &j->refused_len, &j->refused_cap, line, len);
      j->nrefused++;
    }
}

void
hs_journal_only_refusals (hs_journal *j)
{
  free (j->buf);
  j->buf = TAKE_PTR (j->refused);
  j->len = j->refused_len;
  j->cap = j->refused_cap;
  j->count = j->nrefused;
  j->refused_len = j->refused_cap = j->nrefused = 0;
}

void
hs_journal_record (hs_journal *j, const char *measure, const char *path, const char *action, hs_json before,
                   hs_json after)
{
  _record (j, measure, path, action, before, after, false, NULL);
}

void
hs_journal_record_note (hs_journal *j, const char *measure, const char *path, const char *action, hs_json before,
                        hs_json after, const char *note)
{
  _record (j, measure, path, action, before, after, false, note);
}

void
hs_journal_record_applied (hs_journal *j, const char *measure, const char *path, const char *action, hs_json before,
                           hs_json after)
{
  _record (j, measure, path, action, before, after, true, NULL);
}

void
hs_journal_release (hs_journal *j)
{
  free (j->buf);
  free (j->refused);
  j->buf = j->refused = NULL;
  j->len = j->cap = j->count = j->refused_len = j->refused_cap = j->nrefused = 0;
}
