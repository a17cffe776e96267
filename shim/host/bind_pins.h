/* SPDX-License-Identifier: Apache-2.0 */
/* Bind-mount sources pinned: the runtime mounts exactly what hardshim judged.
 *
 * The probe (host_refs.h) opens every bind source of the spec once, and the
 * detect measure judges what it opened, by identity.  Given the path, the
 * runtime would look it up again: whoever controls a directory on the way
 * (a volume under /tmp or a home directory) could swap it for a symbolic
 * link to `/` or to the Docker socket in between (ATTACKS.md: check, then
 * use).  So in the rootfs bridge's private mount namespace (bridge.h) the
 * source of each bind mount becomes a clone of exactly the object the probe
 * opened (open_tree on its descriptor, with the mounts below it, so that
 * the runtime's bind or rbind does what it would do with the source),
 * mounted at HS_PIN_DIR/N, on a tmpfs of that namespace only, and the
 * mount's source names it.  Mounts of one source share a clone.  The engine's source is kept in annotation
 * HS_PIN_ANNOTATION N (journaled with the change), which only a sealed spec
 * (seal.h) may use to name it again: a sealed spec started again (a second
 * run of the bundle, restore) has those sources resolved from there, judged
 * again and pinned anew.  A spec without the seal that names HS_PIN_DIR is
 * refused like any path in hardshim's state directory (own_dirs.h).
 *
 * The clones are made in the host's mount namespace (the kernel clones
 * only mounts of the caller's own namespace), then made slaves: mounts the
 * host makes below a source still reach the container (rslave), and none
 * made on a clone (an idmapped cover, volumes.h) reaches the host.
 *
 * A bind source the probe could not open is refused here (the runtime
 * would refuse a missing source anyway, and could find one made since).
 * Not pinned: hardshim's own sources, which no spec author can change (its
 * device nodes, sysfs and proc in its state directory; the Landlock helper
 * as the lsm measure mounts it).  Nothing is pinned where there is no
 * bridge (audit mode; policy user.userns_unavailable run_without on a
 * host without user namespaces; an engine's own mapping that is not the
 * class's): there the runtime looks every source up again by its path,
 * and a directory on it its author controls can still be swapped. */
#ifndef HS_BIND_PINS_H
#define HS_BIND_PINS_H

#include "base/error.h"
#include "host/host.h"
#include "runtime/journal.h"
#include "spec/json.h"
#include "policy/policy.h"

#include <stdbool.h>
#include <stddef.h>

#define HS_PIN_DIR HS_STATE_DIR "/binds"
#define HS_PIN_ANNOTATION "io.hardshim.bind."

typedef struct hs_bind_pin
{
  unsigned long n; /* at HS_PIN_DIR/N */
  char *path;      /* HS_PIN_DIR/N */
  char *engine;    /* the engine's source: the spec's, or the one a sealed spec kept */
  char *real;      /* the object's path on the host, as the kernel shows it (journal, volumes.h) */
  int tree;        /* the detached clone, until it is mounted; -1 after */
} hs_bind_pin;

typedef struct hs_bind_pins
{
  hs_bind_pin *v;
  size_t n;
  size_t *of_mount; /* [mount index]: its pin in v, or SIZE_MAX */
  size_t nmounts;
} hs_bind_pins;

/* When source is hardshim's pin HS_PIN_DIR/N and spec has annotation
 * HS_PIN_ANNOTATION N: the engine's source kept there; else NULL.  Only
 * for a sealed spec. */
const char *hs_bind_pins_kept_source (hs_json spec, const char *source);

/* In the host's mount namespace, before the bridge's exists: clone the
 * object the probe opened (host->binds) for every bind mount of spec but
 * hardshim's own.  -errno for a source the probe could not open or did not
 * see, or a clone the kernel refuses. */
int hs_bind_pins_clone (hs_json spec, const hs_host *host, const hs_policy *policy, hs_bind_pins *ret, hs_error *err);

/* In the bridge's mount namespace: mount the clones at HS_PIN_DIR/N and
 * point the mounts there (journaled, measure "user").  spec's mounts must
 * be the ones hs_bind_pins_clone saw (pins are kept by mount index). */
int hs_bind_pins_mount (hs_json spec, hs_bind_pins *pins, hs_journal *journal, hs_error *err);

/* The pin mount i's source names (after hs_bind_pins_mount), or NULL. */
const hs_bind_pin *hs_bind_pins_of_mount (const hs_bind_pins *pins, size_t i);

void hs_bind_pins_release (hs_bind_pins *pins);
#define _cleanup_bind_pins_ _cleanup_ (hs_bind_pins_release)

#endif
