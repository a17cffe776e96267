/* SPDX-License-Identifier: Apache-2.0 */
/* SELinux container labels, as text (the lsm measure's): the process type
 * container_t and the file type container_file_t, at level s0 with an MCS
 * category pair that keeps containers apart. */
#ifndef HS_SELINUX_LABEL_H
#define HS_SELINUX_LABEL_H

#include <stdint.h>

/* The level "s0:cA,cB" of a label "USER:ROLE:container_t:s0:cA,cB" with
 * A < B < 1024; NULL for any other label. */
char *hs_selinux_container_level (const char *label);
/* A level with a category pair drawn from seed. */
char *hs_selinux_new_level (uint32_t seed);
/* "system_u:system_r:container_t:LEVEL" */
char *hs_selinux_process_label (const char *level);
/* "system_u:object_r:container_file_t:LEVEL" */
char *hs_selinux_mount_label (const char *level);

#endif
