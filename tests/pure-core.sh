#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The pure core (libhardshim_core.a: spec, policy, seccomp and the measures)
# decides the spec; what touches the host runs after it, in libhardshim.a.
# This makes "the measures make no syscalls" a test: no object of the core
# may reference a call that mounts, makes device nodes, enters or makes
# namespaces, or runs a program (nor the raw syscall() that would hide one),
# and every hardshim function it calls is its own or a pure helper's.
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

# What the core calls of the rest must be pure too: only the base helpers
# (util, error) and file reading (file), which call none of the above.
rest="${HS_BUILDDIR:-.}/libhardshim.a"
helpers="util.o error.o file.o"
if [ -f "$rest" ]; then
	defined=$("$NM" -A --defined-only "$lib" | awk '$(NF-1) ~ /^[TDBR]$/ { print $NF }' | sort -u)
	for obj in $helpers; do
		defined="$defined
$("$NM" -A --defined-only "$rest" | awk -v o=":$obj:" 'index($1, o) && $(NF-1) ~ /^[TDBR]$/ { print $NF }')"
		for sym in $forbidden; do
			if "$NM" -A -u "$rest" | awk -v o=":$obj:" -v s="$sym" 'index($1, o) && $NF == s { f = 1 } END { exit !f }'; then
				echo "not ok: the core's helper $obj references $sym"
				rc=1
			fi
		done
	done
	for sym in $(printf '%s\n' "$undefined" | awk '$2 ~ /^hs_/ { print $2 }' | sort -u); do
		if ! printf '%s\n' "$defined" | grep -qx "$sym"; then
			where=$("$NM" -A --defined-only "$rest" | awk -v s="$sym" '$NF == s { sub(/:[^:]*$/, "", $1); print $1; exit }')
			echo "not ok: the core calls $sym, defined outside it and its helpers ($where)"
			rc=1
		fi
	done
fi

# One way to read JSON: json.o is the only object that calls yajl (and
# json.h keeps the tree type opaque, so no other file can read its structs).
for a in "$lib" "$rest"; do
	[ -f "$a" ] || continue
	for where in $("$NM" -A -u "$a" | awk '$NF ~ /^yajl_/ { sub(/:[^:]*$/, "", $1); print $1 }' | sort -u); do
		case "$where" in
		*:json.o) ;;
		*)
			echo "not ok: $where calls yajl directly (read JSON through spec/json.h)"
			rc=1
			;;
		esac
	done
done
[ $rc -eq 0 ] && echo "ok: only json.o calls yajl"
[ $rc -eq 0 ] && echo "ok: $lib (and the helpers it calls: $helpers) references none of: $(echo $forbidden)"
exit $rc
