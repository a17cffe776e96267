/* SPDX-License-Identifier: Apache-2.0 */
/* hardshim explain: the journal's records for a reader (check.h). */
#include "config.h"

#include "check/check.h"
#include "base/util.h"
#include "spec/json.h"

#include <string.h>

/* A before or after value longer than this is cut (a seccomp profile). */
#define _VALUE_MAX 160

static char *
_value (hs_json v)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;

  if (v == NULL || hs_json_is_null (v))
    return xstrdup ("-");
  if (hs_json_generate (v, false, &text, &len, NULL) < 0)
    return xstrdup ("?");
  if (len > _VALUE_MAX)
    {
      int cut = _VALUE_MAX - 20;
      while (cut > 0 && ((unsigned char) text[cut] & 0xc0) == 0x80) /* not inside a UTF-8 sequence */
        cut--;
      return xasprintf ("%.*s… (%zu bytes)", cut, text, len);
    }
  return TAKE_PTR (text);
}

static const char *
_str (hs_json rec, const char *key)
{
  hs_json v = hs_json_get (rec, key);
  return hs_json_is_string (v) ? hs_json_string (v) : "";
}

static bool
_is_change (const char *action)
{
  return strcmp (action, "changed") == 0 || strcmp (action, "added") == 0 || strcmp (action, "removed") == 0;
}

size_t
hs_explain_print (const hs_journal *j, FILE *out)
{
  size_t changes = 0;
  const char *p = j->buf;

  while (p != NULL && *p != '\0')
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl != NULL ? (size_t) (nl - p) : strlen (p);
      _cleanup_json_ hs_json rec = NULL;

      if (hs_json_parse (p, len, &rec, NULL) == 0)
        {
          const char *action = _str (rec, "action"), *would = _str (rec, "would");
          _cleanup_free_ char *measure = hs_printable (_str (rec, "measure"));
          _cleanup_free_ char *path = hs_printable (_str (rec, "path"));
          _cleanup_free_ char *before = _value (hs_json_get (rec, "before"));
          _cleanup_free_ char *after = _value (hs_json_get (rec, "after"));
          _cleanup_free_ char *shown_before = hs_printable (before), *shown_after = hs_printable (after);
          _cleanup_free_ char *shown_action = would[0] != '\0' ? xasprintf ("would be %s", would) : xstrdup (action);
          hs_json note = hs_json_get (rec, "note");

          if (_is_change (action) || _is_change (would))
            changes++;
          fprintf (out, "%-17s %-36s %-9s %s → %s\n", measure, path, shown_action, shown_before, shown_after);
          if (hs_json_is_string (note))
            {
              _cleanup_free_ char *shown_note = hs_printable (hs_json_string (note));
              fprintf (out, "%-17s   note: %s\n", "", shown_note);
            }
        }
      p = nl != NULL ? nl + 1 : NULL;
    }
  return changes;
}
