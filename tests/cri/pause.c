/* SPDX-License-Identifier: Apache-2.0 */
/* The process of a pod's sandbox container in hardshim's CRI tests (the
 * pause image): it waits for signals, reaps the children it inherits as
 * the pod's pid 1 (shareProcessNamespace), and ends on SIGTERM or SIGINT.
 * Built with gcc -static by tests/integration/cri.bats. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void
quit (int sig)
{
  (void) sig;
  _exit (0);
}

static void
reap (int sig)
{
  (void) sig;
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
}

int
main (void)
{
  struct sigaction end = { .sa_handler = quit };
  struct sigaction child = { .sa_handler = reap, .sa_flags = SA_NOCLDSTOP };

  if (sigaction (SIGTERM, &end, NULL) < 0 || sigaction (SIGINT, &end, NULL) < 0
      || sigaction (SIGCHLD, &child, NULL) < 0)
    return EXIT_FAILURE;
  for (;;)
    pause ();
}
