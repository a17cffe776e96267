# SPDX-License-Identifier: Apache-2.0
# What the package files share: package.bats (docker, podman, ctr) and
# cri-package.bats (containerd's CRI) build the Debian packages from this
# tree's tracked files and install them on this machine; they are purged
# again in teardown_file (package_purge), whatever failed.  Load it after
# helpers and engines.

# The tools package_install needs (engine_prepare's arguments).
PACKAGE_TOOLS=("dpkg-buildpackage (apt-get install dpkg-dev)" "dh (apt-get install debhelper)"
	"git (apt-get install git)")

# package_install: build both packages (debian/, dpkg-buildpackage) from
# the tracked files of $HS_SRCDIR, in a copy in $ENGINE_DIR, and install
# hardshim with dpkg -i.  Exports DEB and REPLACE_DEB, the two .deb files,
# and PKG_BEFORE (yes when hardshim was installed already: then it is left
# installed).  A tree that is not a git checkout: cannot_run.
package_install() {
	if ! git -C "$HS_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
		cannot_run "$HS_SRCDIR is not a git checkout: the package is built from its tracked files"
		return 0
	fi
	# Built from the tracked files, in a copy (the build writes debian/).
	mkdir -p "$ENGINE_DIR/src"
	git -C "$HS_SRCDIR" ls-files -z | (cd "$HS_SRCDIR" && tar --null -T - -cf -) | tar -C "$ENGINE_DIR/src" -xf -
	(cd "$ENGINE_DIR/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$ENGINE_DIR/build.log" 2>&1 || {
		tail -n 30 "$ENGINE_DIR/build.log" >&2
		return 1
	}
	DEB=$(ls "$ENGINE_DIR"/hardshim_*.deb)
	REPLACE_DEB=$(ls "$ENGINE_DIR"/hardshim-replace-runc_*.deb)
	export DEB REPLACE_DEB
	PKG_BEFORE=no
	dpkg -s hardshim >/dev/null 2>&1 && PKG_BEFORE=yes
	export PKG_BEFORE
	dpkg -i "$DEB" >"$ENGINE_DIR/install.log" 2>&1 || { cat "$ENGINE_DIR/install.log" >&2; return 1; }
}

# package_purge: hardshim-replace-runc purged (its diversions removed:
# the real runc and crun back), and hardshim unless it was there before.
package_purge() {
	dpkg --purge hardshim-replace-runc >/dev/null 2>&1 || true
	[ "${PKG_BEFORE:-yes}" = yes ] || dpkg --purge hardshim >/dev/null 2>&1 || true
}
