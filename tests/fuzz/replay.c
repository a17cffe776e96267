/* SPDX-License-Identifier: Apache-2.0 */
/* A fuzz target without a fuzzing engine: every file of its corpus
 * (tests/fuzz/corpus/NAME/, NAME being the program's name without
 * "fuzz_"), or of the files and directories given, through
 * LLVMFuzzerTestOneInput once.  `make check` runs it; a property that
 * fails aborts. */
#include "config.h"

#include "fuzz.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t _count;

static void
_run_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0, n;

  if (f == NULL)
    {
      fprintf (stderr, "%s: %s\n", path, strerror (errno));
      exit (99);
    }
  do
    {
      if (len == cap)
        buf = xrealloc (buf, cap = cap ? 2 * cap : 65536);
      n = fread (buf + len, 1, cap - len, f);
      len += n;
    }
  while (n > 0);
  fclose (f);
  LLVMFuzzerTestOneInput (buf, len);
  free (buf);
  _count++;
}

static int
_by_name (const struct dirent **a, const struct dirent **b)
{
  return strcmp ((*a)->d_name, (*b)->d_name);
}

static void
_run (const char *path)
{
  struct dirent **names;
  struct stat st;
  int n;

  if (stat (path, &st) < 0)
    {
      fprintf (stderr, "%s: %s\n", path, strerror (errno));
      exit (99);
    }
  if (!S_ISDIR (st.st_mode))
    {
      _run_file (path);
      return;
    }
  n = scandir (path, &names, NULL, _by_name);
  if (n < 0)
    {
      fprintf (stderr, "%s: %s\n", path, strerror (errno));
      exit (99);
    }
  for (int i = 0; i < n; i++)
    {
      if (names[i]->d_name[0] != '.')
        {
          _cleanup_free_ char *p = xasprintf ("%s/%s", path, names[i]->d_name);
          _run_file (p);
        }
      free (names[i]);
    }
  free (names);
}

int
main (int argc, char **argv)
{
  const char *base = strrchr (argv[0], '/') ? strrchr (argv[0], '/') + 1 : argv[0];

  if (strncmp (base, "fuzz_", 5) == 0)
    base += 5;
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      _run (argv[i]);
  else
    {
      _cleanup_free_ char *dir = xasprintf ("%s/tests/fuzz/corpus/%s", fz_srcdir (), base);
      _run (dir);
    }
  if (_count == 0)
    {
      fprintf (stderr, "%s: no input replayed\n", base);
      return 99;
    }
  printf ("%s: %zu inputs replayed, every property held\n", base, _count);
  return 0;
}
