/* SPDX-License-Identifier: Apache-2.0 */
/* The journal's one locked append (journal.h); the records themselves are
 * made in the core (journal.c). */
#include "config.h"

#include "runtime/journal.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* mkdir -p of the directories above file. */
static int
_make_parents (const char *file, hs_error *err)
{
  const char *slash = strrchr (file, '/');
  _cleanup_free_ char *dir = NULL;

  if (slash == NULL || slash == file)
    return 0;
  dir = xstrndup (file, (size_t) (slash - file));
  return hs_mkdir_p (dir, 0750, "journal directory", NULL, err);
}

/* flock (LOCK_EX) on fd, waiting at most HS_JOURNAL_LOCK_WAIT_MS: a
 * hardshim holds the lock only for one write, so a lock held longer is
 * something else's, and the container must not wait for it forever. */
static int
_lock (int fd, const char *file, hs_error *err)
{
  const struct timespec step = { 0, 10 * 1000 * 1000 };
  struct timespec start, now;

  clock_gettime (CLOCK_MONOTONIC, &start);
  for (;;)
    {
      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
      if (errno != EWOULDBLOCK && errno != EINTR)
        return hs_error_sys (err, errno, "lock journal `%s`", file);
      clock_gettime (CLOCK_MONOTONIC, &now);
      if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= HS_JOURNAL_LOCK_WAIT_MS)
        return hs_error_set (err, ETIMEDOUT,
                             "journal `%s` is locked by another process (waited %d ms): refused; "
                             "find what holds a lock on it (e.g. `fuser` or /proc/locks)",
                             file, HS_JOURNAL_LOCK_WAIT_MS);
      nanosleep (&step, NULL);
    }
}

int
hs_journal_commit (hs_journal *j, const char *file, hs_error *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r;

  if (j->count == 0)
    return 0;
  r = _make_parents (file, err);
  if (r < 0)
    return r;
  /* O_NONBLOCK: a FIFO in its place must not hang us (ENXIO without a
   * reader; with one, it is refused below before anything is written). */
  fd = open (file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0640);
  if (fd < 0 && errno == ENXIO)
    return hs_error_set (err, EINVAL, "journal `%s` is not a regular file (a FIFO or a socket): refused", file);
  if (fd < 0)
    return hs_error_sys (err, errno, "open journal `%s`", file);
  if (fstat (fd, &st) < 0)
    return hs_error_sys (err, errno, "stat journal `%s`", file);
  if (!S_ISREG (st.st_mode))
    return hs_error_set (err, EINVAL, "journal `%s` is not a regular file: refused", file);
  r = _lock (fd, file, err);
  if (r < 0)
    return r;
  if (fstat (fd, &st) < 0)
    return hs_error_sys (err, errno, "stat journal `%s`", file);
  r = hs_write_all (fd, j->buf, j->len);
  if (r < 0)
    {
      /* Take back a partial append so that the file stays whole lines. */
      (void) !ftruncate (fd, st.st_size);
      return hs_error_sys (err, -r, "append to journal `%s`", file);
    }
  return 0;
}
