/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "spec/file.h"
#include "host/trust.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Until the pipe fd has data or its end, or -ETIMEDOUT after deadline. */
static int
_wait_readable (int fd, const struct timespec *deadline, const char *shown, hs_error *err)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  struct timespec now;
  long ms;
  int n;

  do
    {
      clock_gettime (CLOCK_MONOTONIC, &now);
      ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
      if (ms <= 0)
        return hs_error_set (err, ETIMEDOUT, "%s: the pipe did not end within %ld s: refused", shown,
                             (long) HS_FILE_PIPE_TIMEOUT_MS / 1000);
      n = poll (&p, 1, (int) ms);
    }
  while (n == 0 || (n < 0 && errno == EINTR));
  if (n < 0)
    return hs_error_sys (err, errno, "wait for %s", shown);
  return 0;
}

/* All of fd, at most max bytes: a regular file (st) from offset 0 (pread:
 * the descriptor's offset stays), a pipe until its end.  The buffer starts
 * at the size fstat gave (4 KiB at least) and grows if more arrives, up to
 * max + 1 bytes: the byte that tells a file over max. */
static int
_read_fd (int fd, const struct stat *st, const char *shown, size_t max, char **ret, size_t *ret_len, hs_error *err)
{
  bool is_pipe = S_ISFIFO (st->st_mode);
  size_t want = is_pipe || st->st_size < 4096 ? 4096 : (size_t) st->st_size + 1;
  size_t cap = want < max + 1 ? want : max + 1, len = 0;
  _cleanup_free_ char *buf = xmalloc (cap + 1);
  struct timespec deadline;

  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += HS_FILE_PIPE_TIMEOUT_MS / 1000;
  for (;;)
    {
      ssize_t n;
      if (is_pipe)
        {
          int r = _wait_readable (fd, &deadline, shown, err);
          if (r < 0)
            return r;
          n = read (fd, buf + len, cap - len);
        }
      else
        n = pread (fd, buf + len, cap - len, (off_t) len);
      if (n < 0)
        {
          if (errno == EINTR || errno == EAGAIN)
            continue;
          return hs_error_sys (err, errno, "read %s", shown);
        }
      if (n == 0)
        break;
      len += (size_t) n;
      if (len == max + 1)
        return hs_error_set (err, EFBIG, "%s: larger than %zu bytes", shown, max);
      if (len == cap)
        {
          cap = cap > (max + 1) / 2 ? max + 1 : 2 * cap;
          buf = xrealloc (buf, cap + 1);
        }
    }
  buf[len] = '\0';
  *ret = TAKE_PTR (buf);
  *ret_len = len;
  return 0;
}

int
hs_file_read_regular (int dirfd, const char *name, const char *shown, bool nofollow, size_t max, char **ret,
                      size_t *ret_len, struct stat *ret_st, hs_error *err)
{
  _cleanup_close_ int fd = -1;
  struct stat st;
  int r;

  /* O_NONBLOCK: a FIFO planted in place of the file must not hang us. */
  fd = openat (dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
  if (fd < 0 && errno == ELOOP && nofollow)
    return hs_error_set (err, ELOOP, "%s is a symbolic link: refused", shown);
  if (fd < 0)
    return hs_error_sys (err, errno, "open %s", shown);
  if (fstat (fd, &st) < 0)
    return hs_error_sys (err, errno, "stat %s", shown);
  if (!S_ISREG (st.st_mode))
    return hs_error_set (err, EINVAL, "%s is not a regular file: refused", shown);
  if (st.st_size > (off_t) max)
    return hs_error_set (err, EFBIG, "%s: larger than %zu bytes", shown, max);
  r = _read_fd (fd, &st, shown, max, ret, ret_len, err);
  if (r == 0 && ret_st != NULL)
    *ret_st = st;
  return r;
}

int
hs_file_read_fd (int fd, const char *shown, size_t max, char **ret, size_t *ret_len, struct stat *ret_st, hs_error *err)
{
  struct stat st;
  int r;

  if (fstat (fd, &st) < 0)
    return hs_error_sys (err, errno, "stat %s", shown);
  if (!S_ISREG (st.st_mode) && !S_ISFIFO (st.st_mode))
    return hs_error_set (err, EINVAL, "%s is neither a regular file nor a pipe: refused", shown);
  if (S_ISREG (st.st_mode) && st.st_size > (off_t) max)
    return hs_error_set (err, EFBIG, "%s: larger than %zu bytes", shown, max);
  r = _read_fd (fd, &st, shown, max, ret, ret_len, err);
  if (r == 0 && ret_st != NULL)
    *ret_st = st;
  return r;
}

/* What hs_trust_path does not ask: a regular file, with the bits of need. */
static int
_check_file (const struct stat *st, mode_t need, const char *shown, hs_error *err)
{
  if (S_ISREG (st->st_mode) && hs_trust_stat (st) && (st->st_mode & need) == need)
    return 0;
  return hs_error_set (err, EPERM,
                       "%s must be a regular file owned by root, %swritable by root only (it is owned by uid %u, "
                       "mode %04o%s): refused",
                       shown, need & S_IXOTH ? "executable by everyone and " : "", (unsigned) st->st_uid,
                       (unsigned) (st->st_mode & 07777), S_ISREG (st->st_mode) ? "" : ", not a regular file");
}

int
hs_file_check_trusted (const char *path, mode_t need, const char *shown, char **ret_real, hs_error *err)
{
  struct stat st;
  _cleanup_free_ char *real = hs_real_path_stat (path, &st);
  int r;

  if (real == NULL)
    return hs_error_sys (err, errno, "%s", shown);
  r = _check_file (&st, need, shown, err);
  if (r == 0)
    r = hs_trust_real_path (path, real, shown, err);
  if (r == 0 && ret_real != NULL)
    *ret_real = TAKE_PTR (real);
  return r;
}

int
hs_file_read_trusted (const char *path, const char *shown, size_t max, char **ret, size_t *ret_len, hs_error *err)
{
  _cleanup_free_ char *real = NULL, *text = NULL;
  struct stat st;
  size_t len;
  int r = hs_file_check_trusted (path, 0, shown, &real, err);

  /* Nobody but root can change what real names now: read it, and check
   * the file that was read too. */
  if (r == 0)
    r = hs_file_read_regular (AT_FDCWD, real, shown, true, max, &text, &len, &st, err);
  if (r == 0)
    r = _check_file (&st, 0, shown, err);
  if (r < 0)
    return r;
  *ret = TAKE_PTR (text);
  *ret_len = len;
  return 0;
}
