/* SPDX-License-Identifier: Apache-2.0 */
/* A child process parked in a user namespace, so that its parent can
 * write or read that namespace's id mapping through /proc/PID. */
#ifndef HS_USERNS_CHILD_H
#define HS_USERNS_CHILD_H

#include "base/error.h"

#include <sys/types.h>

typedef struct hs_userns_child
{
  pid_t pid;
  int done;    /* closing it lets the child exit */
  void *stack; /* the stack of a child sharing hardshim's memory */
} hs_userns_child;

/* Start a child in a new user namespace (userns < 0) or in the one userns
 * names; returns once it is there.  what names the purpose in messages. */
int hs_userns_child_start (int userns, const char *what, hs_userns_child *ret, hs_error *err);
/* Let the child exit and reap it; accepts a child that never started. */
void hs_userns_child_stop (hs_userns_child *c);

#endif
