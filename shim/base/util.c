/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
hs_freep (void *p)
{
  free (*(void **) p);
}

void
hs_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static void __attribute__ ((noreturn)) _oom (void)
{
  static const char msg[] = "hardshim: out of memory\n";
  (void) !write (STDERR_FILENO, msg, sizeof msg - 1);
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    _oom ();
  return p;
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (p == NULL)
    _oom ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  if (p == NULL)
    _oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  return xstrndup (s, strlen (s));
}

char *
xstrndup (const char *s, size_t n)
{
  char *r = xmalloc (n + 1);
  memcpy (r, s, n);
  r[n] = '\0';
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *r = NULL;

  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) < 0)
    _oom ();
  va_end (ap);
  return r;
}

int
hs_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      if (n == 0)
        return -EIO;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

void
hs_time_iso8601_of (const struct timespec *ts, char *buf, size_t len)
{
  /* Not gmtime_r nor strftime: glibc reads the local time zone
   * (/etc/localtime) the first time either is called.  Days since
   * 1970-01-01 to a civil date (the proleptic Gregorian calendar, in eras
   * of 400 years that start on March 1st). */
  int64_t secs = (int64_t) ts->tv_sec, days = secs / 86400, rem = secs % 86400;
  if (rem < 0)
    {
      rem += 86400;
      days--;
    }
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;                                   /* [0, 146096] */
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
  int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11], from March */
  int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2);

  snprintf (buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03ldZ", (long long) year, (long long) month,
            (long long) day, (long long) (rem / 3600), (long long) (rem / 60 % 60), (long long) (rem % 60),
            ts->tv_nsec / 1000000L);
}

void
hs_time_iso8601 (char *buf, size_t len)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  hs_time_iso8601_of (&ts, buf, len);
}

bool
hs_path_within (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return path[0] == '/';
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

char *
hs_fd_path (int fd)
{
  char link[32], buf[PATH_MAX];
  ssize_t n;

  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, buf, sizeof buf);
  return n < 0 || n == sizeof buf ? xstrdup ("?") : xstrndup (buf, (size_t) n);
}

/* resolved names what fd is open on, by identity (*st: its stat): else
 * NULL, EXDEV. */
static char *
_same_object (int fd, char *resolved, struct stat *st)
{
  struct stat a;

  if (resolved == NULL)
    return NULL;
  if (fstat (fd, &a) == 0 && stat (resolved, st) == 0 && a.st_dev == st->st_dev && a.st_ino == st->st_ino)
    return resolved;
  free (resolved);
  errno = EXDEV;
  return NULL;
}

char *
hs_real_path (const char *path)
{
  struct stat st;

  return hs_real_path_stat (path, &st);
}

char *
hs_real_path_stat (const char *path, struct stat *ret_st)
{
  _cleanup_close_ int fd = open (path, O_PATH | O_CLOEXEC);
  char link[32], buf[PATH_MAX];
  ssize_t n;

  if (fd < 0)
    return NULL;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, buf, sizeof buf);
  /* No /proc, a name cut short or not absolute: what glibc finds component
   * by component. */
  if (n <= 0 || (size_t) n == sizeof buf || buf[0] != '/')
    return _same_object (fd, realpath (path, NULL), ret_st);
  buf[n] = '\0';
  if (n > 10 && strcmp (buf + n - 10, " (deleted)") == 0)
    return _same_object (fd, realpath (path, NULL), ret_st); /* removed meanwhile: its error, ENOENT */
  /* The kernel names an object of another mount namespace (reached through
   * /proc/PID/root, say) by its path there: a name that is not what path
   * opened here is no answer. */
  return _same_object (fd, xstrdup (buf), ret_st);
}

bool
hs_strv_contains (const hs_strv *s, const char *str)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp (s->v[i], str) == 0)
      return true;
  return false;
}

void
hs_strv_add (hs_strv *s, char *str)
{
  s->v = xrealloc (s->v, (s->n + 1) * sizeof (char *));
  s->v[s->n++] = str;
}

void
hs_strv_release (hs_strv *s)
{
  for (size_t i = 0; i < s->n; i++)
    free (s->v[i]);
  free (s->v);
  s->v = NULL;
  s->n = 0;
}

char *
hs_strv_join (const hs_strv *s, const char *sep)
{
  char *out = xstrdup ("");

  for (size_t i = 0; i < s->n; i++)
    {
      char *more = xasprintf ("%s%s%s", out, i > 0 ? sep : "", s->v[i]);
      free (out);
      out = more;
    }
  return out;
}

int
hs_parse_uint (const char *s, size_t len, unsigned base, uint64_t max, uint64_t *ret)
{
  uint64_t v = 0;

  if ((base != 8 && base != 10) || len == 0 || len > (base == 8 ? 22u : 20u)) /* more digits than 64 bits hold */
    return -EINVAL;
  for (size_t i = 0; i < len; i++)
    {
      unsigned d = (unsigned) (s[i] - '0');
      if (d >= base || d > max || v > (max - d) / base)
        return -EINVAL;
      v = v * base + d;
    }
  *ret = v;
  return 0;
}

int
hs_parse_decimal (const char *s, size_t len, uint64_t max, uint64_t *ret)
{
  return hs_parse_uint (s, len, 10, max, ret);
}

int
hs_parse_int (const char *s, size_t len, int64_t min, int64_t max, int64_t *ret)
{
  bool neg = len > 0 && s[0] == '-';
  uint64_t mag;
  int64_t v;

  /* The magnitude of INT64_MIN is INT64_MAX + 1. */
  if (hs_parse_uint (s + neg, len - neg, 10, (uint64_t) INT64_MAX + neg, &mag) < 0)
    return -EINVAL;
  v = !neg ? (int64_t) mag : mag == 0 ? 0 : -(int64_t) (mag - 1) - 1;
  if (v < min || v > max)
    return -EINVAL;
  *ret = v;
  return 0;
}

int
hs_mkdir_p (const char *dir, mode_t mode, const char *what, hs_mkdir_check check, hs_error *err)
{
  _cleanup_free_ char *path = xstrdup (dir);

  if (path[0] == '\0')
    return hs_error_set (err, ENOENT, "create %s ``: empty path", what);
  for (char *p = path + 1;; p++)
    {
      bool last = *p == '\0';
      if (*p != '/' && !last)
        continue;
      *p = '\0';
      if (mkdir (path, mode) < 0 && errno != EEXIST)
        return hs_error_sys (err, errno, "create %s `%s`", what, path);
      if (check != NULL)
        {
          int r = check (path, err);
          if (r < 0)
            return r;
        }
      if (last)
        return 0;
      *p = '/';
    }
}

char *
hs_path_clean (const char *dst)
{
  _cleanup_free_ char *copy = xstrdup (dst);
  char *out = xcalloc (1, strlen (dst) + 2), *save = NULL;
  size_t len = 0;

  for (char *c = strtok_r (copy, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          while (len > 0 && out[--len] != '/')
            ;
          out[len] = '\0';
          continue;
        }
      /* out holds at most dst's bytes and a leading '/' */
      size_t n = strlen (c);
      out[len++] = '/';
      memcpy (out + len, c, n + 1);
      len += n;
    }
  if (len == 0)
    memcpy (out, "/", 2);
  return out;
}

const char *
hs_path_basename (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash != NULL ? slash + 1 : path;
}

/* s with control characters written as \xNN: a message quotes the spec
 * (paths, hook programs), and a newline or a terminal escape in it must not
 * make a second line or rewrite the screen. */
char *
hs_printable (const char *s)
{
  static const char hex[] = "0123456789abcdef";
  char *out = xmalloc (strlen (s) * 4 + 1), *w = out;

  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c < 0x20 || c == 0x7f)
        {
          *w++ = '\\';
          *w++ = 'x';
          *w++ = hex[c >> 4];
          *w++ = hex[c & 0xf];
        }
      else
        *w++ = (char) c;
    }
  *w = '\0';
  return out;
}
