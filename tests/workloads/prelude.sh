# SPDX-License-Identifier: Apache-2.0
# What every workload script starts with: workload_script (workloads.bash)
# runs this text followed by the workload's own, as one `sh -c` script.
#   proof PID: the hardening of this shell and of the server PID, as seen
#     from inside (server lines prefixed "server-"), and the user
#     namespace's mapping with its padding squeezed out.
#   wait_for CMD...: retry CMD for up to 20 s.
#   fetch URL: the body of an HTTP GET, with python3's urllib.
exec 2>&1
set -e
proof() {
	grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status
	grep -E "^(Seccomp|NoNewPrivs|CapEff|Uid):" "/proc/$1/status" | sed "s/^/server-/"
	echo "id-u=$(id -u)"
	awk "{ print \"uid_map=\" \$1 \" \" \$2 \" \" \$3 }" /proc/self/uid_map
}
wait_for() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ "$i" -ge 200 ]; then echo "timed out waiting for: $*"; return 1; fi
		sleep 0.1
	done
}
fetch() {
	python3 -c "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())" "$1"
}
