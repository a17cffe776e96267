/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "runtime/engine_log.h"
#include "spec/json.h"
#include "base/util.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* logrus text format: time="…" level=error msg="…", msg quoted with \" and \\ escaped. */
static char *
_text_line (const char *now, const char *msg)
{
  size_t n = strlen (msg);
  _cleanup_free_ char *q = xmalloc (2 * n + 1);
  char *o = q;

  for (const char *p = msg; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        *o++ = '\\';
      *o++ = *p == '\n' ? ' ' : *p;
    }
  *o = '\0';
  return xasprintf ("time=\"%s\" level=error msg=\"%s\"\n", now, q);
}

static char *
_json_line (const char *now, const char *msg)
{
  _cleanup_json_ hs_json rec = hs_json_new_object ();
  char *line = NULL;
  char *out;
  hs_error err = { 0 };

  hs_json_object_set (rec, "level", hs_json_new_string ("error"));
  hs_json_object_set (rec, "msg", hs_json_new_string (msg));
  hs_json_object_set (rec, "time", hs_json_new_string (now));
  hs_json_make_utf8 (rec);
  if (hs_json_generate (rec, false, &line, NULL, &err) < 0)
    abort ();
  out = xasprintf ("%s\n", line);
  free (line);
  return out;
}

void
hs_engine_log_error (const char *file, const char *format, const char *msg)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *line = NULL;
  char now[40];

  if (file == NULL || file[0] == '\0')
    return;
  hs_time_iso8601 (now, sizeof now);
  line = format != NULL && strcmp (format, "json") == 0 ? _json_line (now, msg) : _text_line (now, msg);
  fd = open (file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd >= 0)
    (void) hs_write_all (fd, line, strlen (line));
}
