#include "config.h"

#include "file.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int
_read_fd (int fd, const char *shown, size_t max, char **ret, size_t *ret_len, hs_error *err)
{
  size_t cap = max + 1, len = 0;
  _cleanup_free_ char *buf = xmalloc (cap + 1);

  for (;;)
    {
      ssize_t n = read (fd, buf + len, cap - len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return hs_error_sys (err, errno, "read %s", shown);
        }
      if (n == 0)
        break;
      len += (size_t) n;
      if (len == cap)
        return hs_error_set (err, EFBIG, "%s: larger than %zu bytes", shown, max);
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
  r = _read_fd (fd, shown, max, ret, ret_len, err);
  if (r == 0 && ret_st != NULL)
    *ret_st = st;
  return r;
}
