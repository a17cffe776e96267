/* SPDX-License-Identifier: Apache-2.0 */
/* getppid.c: the cost of one cheap system call, for tests/bench/run.sh.
 *
 * getppid [COUNT [CHUNKS]]: call getppid COUNT times (default 5,000,000)
 * through syscall(2), so that the C library cannot answer from a cache, in
 * CHUNKS equal chunks (default 50), and print two figures in nanoseconds per
 * call, from CLOCK_MONOTONIC:
 *
 *   MEAN FASTEST
 *
 * MEAN over all COUNT calls; FASTEST, that of the fastest chunk: on a noisy
 * (virtual) machine, time stolen by other work only ever adds, so the fastest
 * chunk is the closest to the cost of the call itself.
 *
 * Built static (gcc -O2 -static) so that it runs in a bare busybox rootfs.
 * Exits 1 if a call fails (e.g. a seccomp profile that denies getppid): a
 * refused call can cost less than an allowed one and must not be measured. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double
now_ns (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_MONOTONIC, &ts) != 0)
    {
      perror ("getppid: clock_gettime");
      exit (1);
    }
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static long
positive_arg (const char *arg)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || v <= 0)
    {
      fprintf (stderr, "getppid: bad number `%s'\n", arg);
      exit (2);
    }
  return v;
}

int
main (int argc, char **argv)
{
  long count = 5000000;
  long chunks = 50;
  long per_chunk;
  long c;
  long i;
  long ret = 0;
  double start;
  double end;
  double fastest = -1;

  if (argc > 3)
    {
      fprintf (stderr, "usage: getppid [COUNT [CHUNKS]]\n");
      return 2;
    }
  if (argc >= 2)
    count = positive_arg (argv[1]);
  if (argc == 3)
    chunks = positive_arg (argv[2]);
  if (chunks > count)
    chunks = count;
  per_chunk = count / chunks;
  count = per_chunk * chunks;

  /* One call outside the loop: it must succeed. */
  errno = 0;
  if (syscall (SYS_getppid) < 0)
    {
      fprintf (stderr, "getppid: getppid failed: %s\n", strerror (errno));
      return 1;
    }

  start = now_ns ();
  end = start;
  for (c = 0; c < chunks; c++)
    {
      double chunk_start = end;

      for (i = 0; i < per_chunk; i++)
        ret |= syscall (SYS_getppid);
      end = now_ns ();
      if (fastest < 0 || end - chunk_start < fastest)
        fastest = end - chunk_start;
    }

  if (ret < 0)
    {
      fprintf (stderr, "getppid: a getppid call failed\n");
      return 1;
    }
  printf ("%.2f %.2f\n", (end - start) / (double) count, fastest / (double) per_chunk);
  return 0;
}
