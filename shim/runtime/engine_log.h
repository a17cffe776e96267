/* SPDX-License-Identifier: Apache-2.0 */
/* Errors where the engine looks: the runtime's --log file, in runc's
 * format (logrus JSON or text), which containerd and podman read to tell
 * the user why a create failed. */
#ifndef HS_ENGINE_LOG_H
#define HS_ENGINE_LOG_H

/* Append one error line to file; format "json" or anything else for text.
 * Best effort: the message also goes to stderr. */
void hs_engine_log_error (const char *file, const char *format, const char *msg);

#endif
