/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup linux.cgroupsPath names, found as the runtime finds it, and
 * whether someone else's processes are in it (host_refs.h).
 *
 * cgroupfs (runc's default): an absolute path is cleaned lexically (runc's
 * utils.CleanPath: `..` cannot climb above a hierarchy's root) and taken
 * from each hierarchy's root; a relative one is cleaned as if absolute and
 * taken from hardshim's own cgroup in each hierarchy (/proc/self/cgroup: the
 * runtime's, as hardshim executes it).  A relative path is also tried from
 * the root, and a path with `..` also as the kernel resolves it unclean
 * (readers other than runc may not clean it): any of these counts.
 *
 * systemd (--systemd-cgroup, crun's --cgroup-manager=systemd):
 * "slice:prefix:name" is the unit prefix-name.scope (name itself when it
 * ends in .slice; runc) or prefix-name.scope always (crun) in slice
 * (default system.slice), "a-b.slice" is a.slice/a-b.slice, "-.slice" the
 * root; crun also takes a path without `:` as PATH.scope in system.slice.
 *
 * Without a cgroupsPath the runtime names the cgroup after the container
 * id: ID (cgroupfs, relative) or system.slice:runc:ID (crun: crun).
 *
 * Each candidate directory is looked up in every cgroup hierarchy mounted
 * under /sys/fs/cgroup (v1 controllers, named ones such as name=systemd,
 * and the unified v2 one).  The first that exists and holds a process, in
 * it or in a cgroup below it, is foreign; so is one below which more than
 * HS_CGROUP_WALK_MAX cgroups would have to be read (hardshim refuses to
 * judge). */
#ifndef HS_CGROUP_PROBE_H
#define HS_CGROUP_PROBE_H

#include "base/error.h"
#include "spec/json.h"

#include <stdbool.h>
#include <stddef.h>

#define HS_CGROUP_WALK_MAX 10000

/* *ret_dir (NULL when none is foreign) and *ret_procs: the first foreign
 * cgroup directory the spec's cgroupsPath (or container id) names and how many processes are
 * in and below it.  -errno when the cgroup mounts cannot be read. */
int hs_cgroup_probe (hs_json spec, bool systemd, const char *id, char **ret_dir, size_t *ret_procs, hs_error *err);

/* The cgroup hierarchies mounted under /sys/fs/cgroup, for `hardshim
 * doctor`: how many v1 ones, and the v2 one (its mount point and the
 * controllers enabled in it, from its cgroup.controllers; NULL when there
 * is none).  hs_cgroup_layout_release frees the strings. */
typedef struct hs_cgroup_layout
{
  size_t v1;
  char *v2_point;
  char *v2_controllers;
} hs_cgroup_layout;
int hs_cgroup_layout_probe (hs_cgroup_layout *ret, hs_error *err);
void hs_cgroup_layout_release (hs_cgroup_layout *l);
#define _cleanup_cgroup_layout_ _cleanup_ (hs_cgroup_layout_release)

/* The directory a systemd slice name stands for ("a-b.slice" is
 * "/a.slice/a-b.slice", "-.slice" is "/"), or NULL when it is no valid
 * slice name.  A new string. */
char *hs_cgroup_expand_slice (const char *slice);

#endif
