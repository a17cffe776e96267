/* SPDX-License-Identifier: Apache-2.0 */
/* The host paths a bind source must not be, by identity (host_refs.h):
 * the table of sensitive paths, engine state roots and control sockets, and
 * the classification of resolved bind sources against it.
 *
 * Sensitive (HS_BIND_SENSITIVE, refused in any mode): `/`, `/boot`, `/dev`,
 * `/proc`, `/sys`, `/etc`, `/root`; anything on procfs, and a source whose
 * resolution goes through a /proc magic link (`/proc/self/fd/N`,
 * `/proc/PID/root`): the runtime resolves those in its own process, hardshim
 * cannot see what it will get.
 *
 * Read-write only (HS_BIND_SENSITIVE_RW): the host's programs and libraries,
 * which host root runs: `/usr`, `/lib`, `/lib32`, `/lib64`, `/libx32`,
 * `/usr/lib`, `/usr/lib32`, `/usr/lib64`, `/usr/libx32`, `/usr/libexec`,
 * `/bin`, `/sbin`, `/usr/bin`, `/usr/sbin`, `/usr/local/bin`,
 * `/usr/local/sbin`, `/usr/local/lib`, `/usr/local/libexec`, and
 * `/opt/cni/bin` (CNI plugins, which the engines run as root).
 *
 * Engine state roots (HS_BIND_SENSITIVE, and so is every entry directly in
 * one: they hold every container's data; a unix socket directly in one is
 * that engine's HS_BIND_SOCKET; deeper paths stay plain, as docker's
 * containers/ID/hosts, volumes/NAME/_data and kubelet's pods/UID/volumes
 * must): `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/containers`
 * (podman, CRI-O, buildah), `/var/lib/kubelet`, `/var/lib/crio`,
 * `/var/lib/buildkit`, `/var/lib/cni` (CNI's address allocations),
 * `/var/lib/rancher/k3s`, `/run/docker`, `/run/containerd`,
 * `/run/containers`, `/run/crio`, `/run/podman`, `/run/libpod` (podman's
 * tmpdir), `/run/runc`, `/run/crun` (the runtimes' container state),
 * `/run/buildkit`, `/run/k3s`.
 *
 * Control sockets (HS_BIND_SOCKET, with whose they are):
 * `/var/run/docker.sock` and `/var/run/docker.raw.sock` (Docker API),
 * `/run/containerd/containerd.sock`, `.ttrpc` and `debug.sock`
 * (containerd), `/run/crio/crio.sock` (CRI-O), `/run/podman/podman.sock`
 * (podman API), `/run/buildkit/buildkitd.sock` (buildkitd),
 * `/var/lib/kubelet/pod-resources/kubelet.sock` and
 * `/var/lib/kubelet/device-plugins/kubelet.sock` (kubelet),
 * `/run/dockershim.sock` (kubelet), `/run/cri-dockerd.sock` (cri-dockerd),
 * `/run/k3s/containerd/containerd.sock` (containerd), and every unix socket
 * directly in `/run/containerd/s` (containerd 1.5+ shims),
 * `/run/docker/libnetwork` (dockerd's network hook socket) and
 * `/run/docker/containerd` (the containerd dockerd starts).
 *
 * Each is what it resolves to on this host when the probe runs (symbolic
 * links followed; one that does not exist counts for nothing), compared by
 * device and inode, so that a hard link, a bind mount of it elsewhere or
 * another spelling is the same.  A directory above one of these (by
 * identity: its ancestors, reached by `..`) holds it: kind SENSITIVE (or
 * SENSITIVE_RW, or SOCKET) with above set.  When several apply, the first
 * of: SOCKET itself, SENSITIVE, SENSITIVE_RW, DEVICE, SOCKET above; among
 * equals the path itself before a directory above, then the table's order,
 * then the smaller name. */
#ifndef HS_HOST_PATHS_H
#define HS_HOST_PATHS_H

#include "base/error.h"
#include "host/host_refs.h"

#include <stdbool.h>
#include <stddef.h>

/* Classify binds[0..n) whose id exists (and whose devtype/major/minor a
 * device node already has, for HS_BIND_DEVICE); via_proc[i]: that source is
 * on procfs or was reached through a /proc magic link.  Sets kind, what,
 * owner, above.  -errno only when a directory of the table cannot be read. */
int hs_host_paths_classify (hs_bind_ref *binds, const bool *via_proc, size_t n, hs_error *err);

#endif
