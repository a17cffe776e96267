#include "config.h"

#include "file.h"
#include "util.h"

#include <errno.h>
#include <unistd.h>

int
hs_file_read_fd (int fd, const char *path, size_t max, char **ret, size_t *ret_len, hs_error *err)
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
          return hs_error_sys (err, errno, "read `%s`", path);
        }
      if (n == 0)
        break;
      len += (size_t) n;
      if (len == cap)
        return hs_error_set (err, EFBIG, "`%s`: larger than %zu bytes", path, max);
    }
  buf[len] = '\0';
  *ret = TAKE_PTR (buf);
  *ret_len = len;
  return 0;
}
