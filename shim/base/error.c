/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "base/error.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int
_set (hs_error *err, int code, const char *suffix, const char *fmt, va_list ap)
{
  char *msg = NULL;

  if (code <= 0)
    code = EINVAL;
  if (err == NULL || err->msg != NULL)
    return -code;
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  if (suffix != NULL)
    {
      char *full = xasprintf ("%s: %s", msg, suffix);
      free (msg);
      msg = full;
    }
  err->code = code;
  err->msg = msg;
  return -code;
}

int
hs_error_set (hs_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = _set (err, code, NULL, fmt, ap);
  va_end (ap);
  return r;
}

int
hs_error_sys (hs_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  int r;

  if (errnum < 0)
    errnum = -errnum;
  va_start (ap, fmt);
  r = _set (err, errnum, strerror (errnum ? errnum : EINVAL), fmt, ap);
  va_end (ap);
  return r;
}

void
hs_error_prefix (hs_error *err, const char *fmt, ...)
{
  va_list ap;
  char *prefix = NULL;
  char *full;

  if (err == NULL || err->msg == NULL)
    return;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    abort ();
  va_end (ap);
  full = xasprintf ("%s: %s", prefix, err->msg);
  free (prefix);
  free (err->msg);
  err->msg = full;
}

void
hs_error_release (hs_error *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  err->msg = NULL;
  err->code = 0;
}
