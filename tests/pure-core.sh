#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The pure core (libhardshim_core.a: spec, policy, seccomp and the measures)
# decides the spec; what touches the host runs after it, in libhardshim.a.
# This makes "the measures make no syscalls" a test: no object of the core
# may reference a call that mounts, makes device nodes, enters or makes
# namespaces, or runs a program (nor the raw syscall() that would hide one).
set -eu

lib="${HS_BUILDDIR:-.}/libhardshim_core.a"
NM="${NM:-nm}"

if ! command -v "$NM" >/dev/null 2>&1; then
	echo "SKIP: no $NM to list the core's symbols"
	exit 77
fi
if [ ! -f "$lib" ]; then
	echo "ERROR: $lib is not built (run make first)" >&2
	exit 99
fi

forbidden="mount umount umount2 mount_setattr open_tree move_mount fsopen fsmount
fsconfig fspick pivot_root chroot mknod mknodat __xmknod __xmknodat unshare setns
clone clone3 fork vfork execve execveat execv execvp execvpe execl execle execlp
fexecve posix_spawn posix_spawnp system popen syscall"

symbols=$("$NM" -A "$lib")
# Not vacuous: the measures are in the library.
for obj in harden.o capabilities.o lsm.o spec.o policy.o seccomp_profile.o; do
	if ! printf '%s\n' "$symbols" | grep -q ":$obj:"; then
		echo "not ok: $obj is missing from $lib"
		exit 1
	fi
done

undefined=$("$NM" -A -u "$lib" | awk '$(NF-1) == "U" { sub(/:$/, "", $1); print $1, $NF }')
rc=0
for sym in $forbidden; do
	hits=$(printf '%s\n' "$undefined" | awk -v s="$sym" '$2 == s { print $1 }')
	if [ -n "$hits" ]; then
		for where in $hits; do
			echo "not ok: $where references $sym"
		done
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "ok: $lib references none of: $(echo $forbidden)"
exit $rc
