/* Reading whole files with a size cap. */
#ifndef HS_FILE_H
#define HS_FILE_H

#include "error.h"

#include <stddef.h>

/* Read fd to its end into a NUL-terminated buffer; -EFBIG past max bytes. */
int hs_file_read_fd (int fd, const char *path, size_t max, char **ret, size_t *ret_len, hs_error *err);

#endif
