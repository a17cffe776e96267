/* SPDX-License-Identifier: Apache-2.0 */
/* The one error idiom: a function that can fail returns a negative errno
 * and fills an hs_error once; only main prints it. */
#ifndef HS_ERROR_H
#define HS_ERROR_H

typedef struct hs_error
{
  int code;  /* positive errno */
  char *msg; /* NULL while no error has been set */
} hs_error;

#include "base/util.h" /* after the type: util.h declares functions that take it */

/* Set err to the formatted message; returns -code. Keeps an earlier error. */
int hs_error_set (hs_error *err, int code, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Same, with ": strerror(errnum)" appended; returns -errnum. */
int hs_error_sys (hs_error *err, int errnum, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Put "<context>: " in front of the message already in err. */
void hs_error_prefix (hs_error *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Frees the message and leaves err empty (a zeroed or released err is a no-op). */
void hs_error_release (hs_error *err);
#define _cleanup_error_ _cleanup_ (hs_error_release)

#endif
