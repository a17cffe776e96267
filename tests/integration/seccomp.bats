#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The seccomp profile seen from inside a container: tests/seccomp/probe tries
# each primitive the profile denies (one line `NAME RESULT [cap-checked]`
# each), first under hardshim, then under plain runc with Docker's default
# profile, then under plain runc with hardshim's spec minus its seccomp
# filter.  The probe's arguments make a call that gets past the filter fail
# in the kernel with something other than EPERM/ENOSYS (EFAULT, EINVAL,
# EBADF, ...), so EPERM/ENOSYS is the filter's answer, not a missing
# capability; `cap-checked` marks the calls where the kernel checks a
# capability before any argument.
#
# These expectations are for x86_64 (the probe prints `skip` for its x86
# parts elsewhere); the no-seccomp set is the one of the kernel this was
# written on (6.18, see the comments there).

load helpers

PROBE_BIN="$HS_BUILDDIR/tests/seccomp/probe"
DOCKER_SPEC="$HS_SRCDIR/tests/data/specs/docker.json"

setup() {
	common_setup
	[ -x "$PROBE_BIN" ] || { echo "probe not built: $PROBE_BIN (make check builds it)" >&2; return 1; }
	[ "$(uname -m)" = x86_64 ] || skip "expectations written for x86_64"
}

teardown() {
	common_teardown
}

# What the probe must print under hardshim's profile: NAME EXPECTED, where
# EXPECTED may list alternatives (A|B).
# - the controls (getpid, fork, personality_query) are allowed;
# - the dangerous calls get the profile's EPERM, whatever the arguments;
# - chroot and iopl are EPERM because hardshim leaves neither CAP_SYS_CHROOT
#   nor CAP_SYS_RAWIO (their includes/excludes rules);
# - clone3 gets its own ENOSYS (glibc then falls back to clone);
# - what the profile does not name gets the default ENOSYS: personality
#   with a value not on its list, statmount (457) and mseal (462), newer
#   than the profile;
# - the i386 (int $0x80) and x32 entry points are foreign architectures
#   to a filter written for SCMP_ARCH_X86_64 alone: runc 1.1 / libseccomp
#   2.5 kill the process with SIGSYS (the other answers a runtime might
#   choose are accepted; success never is).
HARDENED_EXPECTED='getpid ok
fork ok
personality_query ok
mount EPERM
umount2 EPERM
fsopen EPERM
fsmount EPERM
fspick EPERM
fsconfig EPERM
move_mount EPERM
open_tree EPERM
mount_setattr EPERM
pivot_root EPERM
chroot EPERM
unshare_newns EPERM
unshare_newcgroup EPERM
unshare_newuts EPERM
unshare_newipc EPERM
unshare_newuser EPERM
unshare_newpid EPERM
unshare_newnet EPERM
unshare_newtime EPERM
userns EPERM
setns EPERM
clone_newns EPERM
clone_newcgroup EPERM
clone_newuts EPERM
clone_newipc EPERM
clone_newuser EPERM
clone_newpid EPERM
clone_newnet EPERM
clone3 ENOSYS
keyctl EPERM
add_key EPERM
request_key EPERM
bpf EPERM
perf_event_open EPERM
ptrace EPERM
process_vm_readv EPERM
process_vm_writev EPERM
process_madvise EPERM
pidfd_getfd EPERM
kcmp EPERM
open_by_handle_at EPERM
name_to_handle_at EPERM
userfaultfd EPERM
io_uring_setup EPERM
io_uring_enter EPERM
io_uring_register EPERM
fanotify_init EPERM
kexec_load EPERM
kexec_file_load EPERM
init_module EPERM
finit_module EPERM
delete_module EPERM
reboot EPERM
swapon EPERM
swapoff EPERM
acct EPERM
sysfs EPERM
clock_settime EPERM
settimeofday EPERM
adjtimex EPERM
clock_adjtime EPERM
personality_addr_no_randomize ENOSYS
socket_af_alg EPERM
socket_af_vsock EPERM
socket_af_packet EPERM
socket_inet_raw EPERM
socket_inet6_raw EPERM
statmount ENOSYS
mseal ENOSYS
int80_getpid killed:SIGSYS|ENOSYS|EPERM
x32_getpid killed:SIGSYS|ENOSYS|EPERM
x32_mount killed:SIGSYS|ENOSYS|EPERM
modify_ldt EPERM
iopl EPERM'

# probe_bundle NAME: a bundle whose container prints its Seccomp line from
# /proc/self/status, then runs the probe.
probe_bundle() {
	local b
	b=$(bundle "$1" sh -c 'grep "^Seccomp:" /proc/self/status; exec /probe') || return 1
	cp "$PROBE_BIN" "$b/rootfs/probe"
	chmod 0755 "$b/rootfs/probe"
	echo "$b"
}

# results OUT: the probe's lines of a container's stdout OUT as `NAME RESULT`,
# after checking every line is well formed.
results() {
	local bad
	bad=$(grep -v '^Seccomp:' "$1" | grep -vE '^[a-z0-9_]+ [A-Za-z0-9:]+( cap-checked)?$') && {
		echo "malformed probe output: $bad" >&2
		return 1
	}
	grep -v '^Seccomp:' "$1" | cut -d' ' -f1,2
}

# result_of NAME RESULTS: NAME's result in RESULTS (a file of `NAME RESULT`).
result_of() {
	awk -v n="$1" '$1 == n { print $2 }' "$2"
}

# filtered RESULT: the answer a seccomp filter gives (EPERM/ENOSYS, or a kill);
# anything else means the call reached the kernel.
filtered() {
	case $1 in EPERM | ENOSYS | killed:* | skip) return 0 ;; esac
	return 1
}

# table FILE COLUMN-TITLE RESULTS: NAME, hardened (expected), RESULTS' result,
# to FILE and to stderr (bats shows it when the test fails).
table() {
	local name expected
	{
		printf '%-32s %-36s %s\n' NAME HARDENED "$2"
		while read -r name expected; do
			printf '%-32s %-36s %s\n' "$name" "$expected" "$(result_of "$name" "$3")"
		done <<<"$HARDENED_EXPECTED"
	} >"$1"
	cat "$1" >&2
}

# same_names RESULTS: RESULTS names exactly the primitives of HARDENED_EXPECTED,
# in the same order.
same_names() {
	diff <(cut -d' ' -f1 <<<"$HARDENED_EXPECTED") <(cut -d' ' -f1 "$1") >&2
}

# assert_set "NAME..." "NAME...": the two lists hold the same names.
assert_set() {
	diff <(tr -s ' \t\n' '\n' <<<"$1" | sed '/^$/d' | sort) <(tr -s ' \t\n' '\n' <<<"$2" | sed '/^$/d' | sort) >&2
}

@test "seccomp: under hardshim every primitive gets the profile's answer" {
	b=$(probe_bundle b)
	id=$(new_id probe)
	hs_out run -b "$b" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	results "$T/out" >"$T/hardened"
	table "$T/table" "GOT" "$T/hardened"

	# Filter mode, as the container's own processes see it.
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
	same_names "$T/hardened"
	fail=0
	while read -r name expected; do
		got=$(result_of "$name" "$T/hardened")
		[[ $got =~ ^($expected)$ ]] || { echo "$name: got $got, expected $expected" >&2; fail=1; }
	done <<<"$HARDENED_EXPECTED"
	[ "$fail" -eq 0 ]

	# The filter in the spec runc ran is the profile's, for the native
	# architecture alone; the journal says it was put there.
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO" and .linux.seccomp.defaultErrnoRet == 38
		and .linux.seccomp.architectures == ["SCMP_ARCH_X86_64"]' "$b/config.json"
	journal_valid
	jq -s -e --arg id "$id" 'any(.[]; .measure == "seccomp" and .id == $id)' "$JOURNAL"
	runc_gone "$id"
}

@test "seccomp: Docker's default profile lets through what hardshim's denies" {
	# Docker 20.10's spec: its seccomp filter (resolved for its default
	# capabilities), those capabilities, root, no noNewPrivileges.
	b=$(probe_bundle b)
	jq --slurpfile d "$DOCKER_SPEC" '.linux.seccomp = $d[0].linux.seccomp
		| .process.capabilities = $d[0].process.capabilities | del(.process.noNewPrivileges)' \
		<"$b/config.json" >"$T/docker-config.json"
	mv "$T/docker-config.json" "$b/config.json"
	jq -e '.process.user.uid == 0 and .linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' "$b/config.json"
	id=$(new_id docker)
	status=0
	"$RUNC" run -b "$b" "$id" >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	results "$T/out" >"$T/docker"
	table "$T/table" "DOCKER" "$T/docker"
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
	same_names "$T/docker"

	# What reached the kernel under Docker's profile (its filter answers
	# EPERM, ENOSYS for clone3, and runc's ENOSYS for syscalls newer than
	# the profile, such as statmount and mseal).
	allowed=$(awk '{ print $1, $2 }' "$T/docker" | while read -r name r; do
		filtered "$r" || echo "$name"
	done)
	echo "docker lets through: $allowed" >&2
	# At least these, all denied by hardshim's profile (test above):
	# - ptrace of any process of the container (ESRCH: no such process);
	# - io_uring, the kernel's largest recent attack surface (EFAULT/EBADF/EINVAL);
	# - adjtimex/clock_adjtime (reading the clock; setting it needs CAP_SYS_TIME);
	# - sockets of every family and raw IP sockets (CAP_NET_RAW is one of
	#   Docker's capabilities): AF_ALG, AF_VSOCK, AF_PACKET, SOCK_RAW;
	# - modify_ldt, and the whole i386 ABI (int $0x80 getpid succeeds);
	# - chroot (Docker keeps CAP_SYS_CHROOT).
	for name in ptrace io_uring_setup io_uring_enter io_uring_register adjtimex clock_adjtime \
		socket_af_alg socket_af_vsock socket_af_packet socket_inet_raw socket_inet6_raw \
		int80_getpid modify_ldt chroot; do
		grep -qx "$name" <<<"$allowed" || { echo "Docker's profile no longer lets $name through" >&2; false; }
		expected=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$HARDENED_EXPECTED")
		filtered "${expected%%|*}"
	done
	# The x32 ABI as well, call by call: x32 getpid passes the filter (the
	# kernel answers ENOSYS when built without CONFIG_X86_X32_ABI, `ok`
	# with it) where x32 mount gets Docker's EPERM.
	[[ $(result_of x32_getpid "$T/docker") =~ ^(ok|ENOSYS)$ ]]
	[ "$(result_of x32_mount "$T/docker")" = EPERM ]
	# Both profiles refuse ADDR_NO_RANDOMIZE: Docker's with EPERM.
	[ "$(result_of personality_addr_no_randomize "$T/docker")" = EPERM ]
}

@test "seccomp: without the filter, hardshim's capabilities alone let most primitives reach the kernel" {
	# The spec hardshim writes (no capabilities, uid 65534,
	# noNewPrivileges, read-only root), run by plain runc without its
	# linux.seccomp.
	b=$(probe_bundle b)
	id=$(new_id spec)
	hs_out create -b "$b" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	"$RUNC" delete --force "$id"
	jq -e '.process.user.uid == 65534 and ([.process.capabilities[]] | add) == []
		and .process.noNewPrivileges == true' "$b/config.json"
	patch_config "$b" 'del(.linux.seccomp)'
	id=$(new_id noseccomp)
	status=0
	runc_bridged "$b" run -b "$b" "$id" >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	results "$T/out" >"$T/noseccomp"
	table "$T/table" "NO-SECCOMP" "$T/noseccomp"
	assert_line_exact "Seccomp:${TAB}0" "$T/out"
	same_names "$T/noseccomp"

	reached=$(while read -r name r; do
		filtered "$r" || echo "$name"
	done <"$T/noseccomp")
	# Every one of these reaches the kernel with no capability at all, and
	# is stopped only by hardshim's profile (its EPERM/ENOSYS in the first
	# test).  Why each one gets through (kernel 6.18):
	# - controls: getpid fork personality_query;
	# - mount copies the type name first (EFAULT); umount2, fsconfig,
	#   open_tree, mount_setattr check their flags/command first (EINVAL);
	#   chroot looks the path up before CAP_SYS_CHROOT (EFAULT);
	# - unshare_*/clone_*: the flags are checked before any namespace is
	#   made (EINVAL); userns: unshare(CLONE_NEWUSER|CLONE_NEWNS) SUCCEEDS,
	#   user namespaces need no capability; setns checks its fd (EBADF);
	#   clone3 its size (EINVAL);
	# - keyrings need no capability (EOPNOTSUPP, EFAULT);
	# - bpf: unprivileged_bpf_disabled is checked per command since 6.5
	#   (EINVAL); perf_event_open checks flags before perf_event_paranoid;
	# - ptrace, kcmp (ESRCH), process_vm_*, process_madvise, pidfd_getfd
	#   (EINVAL): same-uid processes are fair game without capabilities;
	# - open_by_handle_at copies the handle before the CAP_DAC_READ_SEARCH
	#   check since 6.12 (EFAULT); name_to_handle_at needs none (EINVAL);
	# - userfaultfd(UFFD_USER_MODE_ONLY) and fanotify_init(FAN_REPORT_FID)
	#   SUCCEED unprivileged; io_uring needs no capability;
	# - swapon checks its flags before CAP_SYS_ADMIN (EINVAL); sysfs (EINVAL);
	# - the clock calls copy the time in before CAP_SYS_TIME (EFAULT);
	# - personality(ADDR_NO_RANDOMIZE) SUCCEEDS;
	# - socket: the type, or for raw IP the protocol, is checked before the
	#   family's CAP_NET_RAW check (EINVAL);
	# - statmount and mseal exist in the kernel (EINVAL): the profile's
	#   ENOSYS is its default action, not the kernel's;
	# - int80_getpid and modify_ldt SUCCEED.
	# Not in the list: fsopen fsmount fspick move_mount pivot_root reboot
	# swapoff acct (cap-checked: the kernel's own EPERM), kexec_*,
	# *_module, iopl and the x32 ABI (the kernel's ENOSYS: built without
	# kexec, modules, CONFIG_X86_IOPL_IOPERM and CONFIG_X86_X32_ABI).
	assert_set "$reached" "getpid fork personality_query
		mount umount2 fsconfig open_tree mount_setattr chroot
		unshare_newns unshare_newcgroup unshare_newuts unshare_newipc unshare_newuser
		unshare_newpid unshare_newnet unshare_newtime userns setns
		clone_newns clone_newcgroup clone_newuts clone_newipc clone_newuser clone_newpid
		clone_newnet clone3
		keyctl add_key request_key bpf perf_event_open
		ptrace process_vm_readv process_vm_writev process_madvise pidfd_getfd kcmp
		open_by_handle_at name_to_handle_at userfaultfd io_uring_setup io_uring_enter
		io_uring_register fanotify_init
		swapon sysfs clock_settime settimeofday adjtimex clock_adjtime
		personality_addr_no_randomize
		socket_af_alg socket_af_vsock socket_af_packet socket_inet_raw socket_inet6_raw
		statmount mseal int80_getpid modify_ldt"
	# The ones left out are refused by the kernel for the reason above.
	while read -r name r flag; do
		if grep -qx "$name" <<<"$reached"; then continue; fi
		case $r in
		EPERM) [ "$flag" = cap-checked ] || { echo "$name: EPERM but not cap-checked" >&2; false; } ;;
		ENOSYS) ;;
		*) echo "$name: $r" >&2; false ;;
		esac
	done < <(grep -v '^Seccomp:' "$T/out")
}
