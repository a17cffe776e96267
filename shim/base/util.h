/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by every file: cleanup attributes, ownership
 * hand-off and allocation that aborts on out-of-memory. */
#ifndef HS_UTIL_H
#define HS_UTIL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>

#include "base/error.h"

#define _cleanup_(f) __attribute__ ((cleanup (f)))
#define _cleanup_free_ _cleanup_ (hs_freep)
#define _cleanup_close_ _cleanup_ (hs_closep)

/* Hand ownership of *p to the caller and leave NULL (or -1) behind. */
#define TAKE_PTR(p)                                                                                                    \
  ({                                                                                                                   \
    __typeof__ (p) _tp = (p);                                                                                          \
    (p) = NULL;                                                                                                        \
    _tp;                                                                                                               \
  })
/* The same for a struct that owns something: s is left zeroed, which its
 * release function takes as empty. */
#define TAKE_STRUCT(s)                                                                                                 \
  ({                                                                                                                   \
    __typeof__ (s) _ts = (s);                                                                                          \
    (s) = (__typeof__ (s)){ 0 };                                                                                       \
    _ts;                                                                                                               \
  })
#define TAKE_FD(fd)                                                                                                    \
  ({                                                                                                                   \
    int _tfd = (fd);                                                                                                   \
    (fd) = -1;                                                                                                         \
    _tfd;                                                                                                              \
  })

#define HS_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

void hs_freep (void *p);
void hs_closep (int *fd);

void *xmalloc (size_t size);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* The path fd is open on (from /proc/self/fd), or "?" when it cannot be read. */
char *hs_fd_path (int fd);

/* What realpath (3) gives for path (symbolic links resolved, absolute),
 * with fewer system calls: the name the kernel has for path opened
 * O_PATH.  NULL with errno when path does not resolve, and with EXDEV
 * when that name is not the object path opened (one in another mount
 * namespace, reached through /proc/PID/root: realpath would give the
 * name there, which here is another file). */
char *hs_real_path (const char *path);
/* hs_real_path, and *ret_st: what stat (2) of the name gave. */
char *hs_real_path_stat (const char *path, struct stat *ret_st);

/* A mount destination as the runtime reads it: relative to the rootfs,
 * with `.`, `..` and repeated slashes resolved lexically ("etc//a/../b/"
 * is "/etc/b"). */
char *hs_path_clean (const char *dst);
/* The last component of path (a pointer into it; path itself when it has no '/'). */
const char *hs_path_basename (const char *path);

/* path is dir or lies below it (plain string comparison; "/" holds every path). */
bool hs_path_within (const char *path, const char *dir);

/* Write all of buf to fd, retrying on EINTR and short writes; -errno on failure. */
int hs_write_all (int fd, const void *buf, size_t len);

/* "2026-11-22T06:03:04.120Z" (UTC, milliseconds) into buf of at least 32 bytes. */
void hs_time_iso8601 (char *buf, size_t len);
/* The same for the time ts. */
void hs_time_iso8601_of (const struct timespec *ts, char *buf, size_t len);

/* The one number parser: the len bytes at s are a number in base (8 or
 * 10) of at most max, digits only (no sign, space, prefix or anything
 * after them), 1 to 20 decimal or 22 octal digits; 0 with *ret set, else
 * -EINVAL (*ret untouched): empty, junk, too large. */
int hs_parse_uint (const char *s, size_t len, unsigned base, uint64_t max, uint64_t *ret);
/* hs_parse_uint in base 10. */
int hs_parse_decimal (const char *s, size_t len, uint64_t max, uint64_t *ret);
/* An optional '-' then hs_parse_uint's decimal digits ("-0" is 0; no '+'),
 * in [min, max]; 0 with *ret set, else -EINVAL. */
int hs_parse_int (const char *s, size_t len, int64_t min, int64_t max, int64_t *ret);

/* mkdir -p dir: each directory on the way that is missing is made with
 * mode (less the umask).  check, when not NULL, is called on each of them
 * (made or found, "/" excepted) before the next one is made, and its error
 * returned.  The error names the directory as "create <what> `path`". */
typedef int (*hs_mkdir_check) (const char *path, hs_error *err);
int hs_mkdir_p (const char *dir, mode_t mode, const char *what, hs_mkdir_check check, hs_error *err);

/* A growable vector of owned strings; zero-initialised is empty. */
typedef struct hs_strv
{
  char **v;
  size_t n;
} hs_strv;

bool hs_strv_contains (const hs_strv *s, const char *str);
/* Append str, taking ownership. */
void hs_strv_add (hs_strv *s, char *str);
void hs_strv_release (hs_strv *s);
#define _cleanup_strv_ _cleanup_ (hs_strv_release)
/* The strings joined with sep between them (a new string). */
char *hs_strv_join (const hs_strv *s, const char *sep);

/* s with control characters written as \xNN, for a message or a report
 * that quotes the spec (a new string). */
char *hs_printable (const char *s);

#endif
