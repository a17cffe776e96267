#!/usr/bin/env bats
# Real programs under hardshim's default policy: nginx, redis, python3's
# http.server and postgresql, on a Debian bookworm rootfs built (once) by
# tests/workloads/build-rootfs.sh.  Each server listens on 127.0.0.1 on an
# unprivileged port and writes only under /tmp; nothing else is given to
# hardshim.  Each test checks what a real client got back and that the
# server ran as uid 65534 with no capabilities, NoNewPrivs and a seccomp
# filter.

load helpers

BUILD_ROOTFS="$HS_SRCDIR/tests/workloads/build-rootfs.sh"

setup_file() {
	export WORKLOAD_ROOTFS=${HS_WORKLOAD_ROOTFS:-/var/cache/hardshim-tests/debian-rootfs}
	local status=0
	"$BUILD_ROOTFS" "$WORKLOAD_ROOTFS" 2>"$BATS_FILE_TMPDIR/build.err" || status=$?
	cat "$BATS_FILE_TMPDIR/build.err" >&2
	case $status in
	0) ;;
	# The machine cannot build it (no debootstrap, no mirror): every test
	# skips and says why.
	77) tail -n 1 "$BATS_FILE_TMPDIR/build.err" >"$BATS_FILE_TMPDIR/skip" ;;
	*) return 1 ;;
	esac
}

setup() {
	if [ -s "$BATS_FILE_TMPDIR/skip" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	fi
	common_setup
}

teardown() {
	common_teardown
}

# Shell functions every workload script starts with.
#   proof PID: the hardening of this shell and of the server PID, as seen
#     from inside (server lines prefixed "server-").
#   wait_for CMD...: retry CMD for up to 20 s.
#   fetch URL: the body of an HTTP GET, with python3's urllib.
PRELUDE='exec 2>&1
set -e
proof() {
	grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status
	grep -E "^(Seccomp|NoNewPrivs|CapEff|Uid):" "/proc/$1/status" | sed "s/^/server-/"
	echo "id-u=$(id -u)"
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
'

# workload_bundle NAME <SCRIPT: $T/NAME, a bundle of `runc spec` on the
# shared Debian rootfs (read-only: hardshim makes it so anyway) running
# sh -c "PRELUDE SCRIPT"; prints its path.
workload_bundle() {
	local b=$T/$1 script
	script=$(cat)
	mkdir -p "$b"
	(cd "$b" && "$RUNC" spec)
	jq --arg root "$WORKLOAD_ROOTFS" --arg script "$PRELUDE$script" '
		.root = {path: $root, readonly: true}
		| .process.terminal = false
		| .process.args = ["sh", "-c", $script]' \
		<"$b/config.json" >"$b/config.json.new"
	mv "$b/config.json.new" "$b/config.json"
	echo "$b"
}

# run_workload BUNDLE NAME: hardshim run in the foreground, bounded in time;
# output in $T/out (stderr folded in), status in $status.
run_workload() {
	status=0
	timeout -k 5 60 "$HS" run -b "$1" "$(new_id "$2")" >"$T/out" 2>&1 </dev/null || status=$?
	cat "$T/out"
}

# assert_hardened: the shell and the server reported uid 65534, no effective
# capabilities, NoNewPrivs and a seccomp filter (mode 2).
assert_hardened() {
	local o=$T/out p
	assert_line_exact "id-u=65534" "$o"
	for p in "" server-; do
		assert_line_exact "${p}NoNewPrivs:${TAB}1" "$o"
		assert_line_exact "${p}CapEff:${TAB}0000000000000000" "$o"
		assert_line_exact "${p}Seccomp:${TAB}2" "$o"
	done
	assert_line_exact "server-Uid:${TAB}65534${TAB}65534${TAB}65534${TAB}65534" "$o"
}

@test "workload: nginx serves a page" {
	b=$(workload_bundle nginx <<'SCRIPT'
mkdir -p /tmp/nginx/www
echo "hello from nginx under hardshim" >/tmp/nginx/www/index.html
cat >/tmp/nginx/nginx.conf <<'EOF'
worker_processes 2;
error_log /tmp/nginx/error.log;
events { worker_connections 64; }
http {
	access_log /tmp/nginx/access.log;
	client_body_temp_path /tmp/nginx/body;
	proxy_temp_path /tmp/nginx/proxy;
	fastcgi_temp_path /tmp/nginx/fastcgi;
	uwsgi_temp_path /tmp/nginx/uwsgi;
	scgi_temp_path /tmp/nginx/scgi;
	server {
		listen 127.0.0.1:8080;
		root /tmp/nginx/www;
	}
}
EOF
nginx -p /tmp/nginx -e /tmp/nginx/error.log -c /tmp/nginx/nginx.conf \
	-g "daemon off; pid /tmp/nginx/nginx.pid;" &
pid=$!
wait_for fetch http://127.0.0.1:8080/ || { cat /tmp/nginx/error.log; exit 1; }
echo "body=$(fetch http://127.0.0.1:8080/)"
# The workers, not just the master, answered: the access log has the request.
echo "logged=$(grep -c "GET / HTTP/1.1\" 200" /tmp/nginx/access.log)"
proof "$pid"
kill "$pid"
SCRIPT
)
	run_workload "$b" nginx
	[ "$status" -eq 0 ]
	assert_line_exact "body=hello from nginx under hardshim" "$T/out"
	grep -qE '^logged=[1-9]' "$T/out"
	assert_hardened
}

@test "workload: redis answers redis-cli and redis-benchmark" {
	b=$(workload_bundle redis <<'SCRIPT'
redis-server --bind 127.0.0.1 --port 6379 --dir /tmp --save "" --appendonly no \
	--logfile /tmp/redis.log &
pid=$!
cli() { redis-cli -h 127.0.0.1 -p 6379 "$@"; }
wait_for cli PING || { cat /tmp/redis.log; exit 1; }
echo "ping=$(cli PING)"
echo "set=$(cli SET hardshim-key hardened-value)"
echo "get=$(cli GET hardshim-key)"
# -q prints progress with carriage returns, then one summary line per test.
redis-benchmark -h 127.0.0.1 -p 6379 -q -n 2000 -t set,get | tr "\r" "\n" | grep "requests per second"
# The benchmark's SET wrote its key: it did talk to this server.
echo "bench-key=$(cli EXISTS key:__rand_int__)"
proof "$pid"
cli SHUTDOWN NOSAVE || true
SCRIPT
)
	run_workload "$b" redis
	[ "$status" -eq 0 ]
	assert_line_exact "ping=PONG" "$T/out"
	assert_line_exact "set=OK" "$T/out"
	assert_line_exact "get=hardened-value" "$T/out"
	grep -qE '^SET: [0-9]+(\.[0-9]+)? requests per second' "$T/out"
	grep -qE '^GET: [0-9]+(\.[0-9]+)? requests per second' "$T/out"
	assert_line_exact "bench-key=1" "$T/out"
	assert_hardened
}

@test "workload: python3 serves and fetches HTTP" {
	b=$(workload_bundle python <<'SCRIPT'
mkdir -p /tmp/www/files
echo "hello from python under hardshim" >/tmp/www/index.html
echo data >/tmp/www/files/listed-file.txt
python3 -m http.server 8000 --bind 127.0.0.1 --directory /tmp/www >/tmp/http.log 2>&1 &
pid=$!
wait_for fetch http://127.0.0.1:8000/ || { cat /tmp/http.log; exit 1; }
echo "body=$(fetch http://127.0.0.1:8000/index.html)"
# A directory listing is made by the server (readdir), not read from a file.
fetch http://127.0.0.1:8000/files/ | grep -o "listed-file.txt" | head -n 1 | sed "s/^/listing=/"
python3 - <<'EOF'
import urllib.error, urllib.request
try:
    urllib.request.urlopen("http://127.0.0.1:8000/nope", timeout=10)
except urllib.error.HTTPError as e:
    print("missing=%d" % e.code)
EOF
proof "$pid"
kill "$pid"
SCRIPT
)
	run_workload "$b" python
	[ "$status" -eq 0 ]
	assert_line_exact "body=hello from python under hardshim" "$T/out"
	assert_line_exact "listing=listed-file.txt" "$T/out"
	assert_line_exact "missing=404" "$T/out"
	assert_hardened
}

@test "workload: postgresql is initialised, started and queried" {
	b=$(workload_bundle postgres <<'SCRIPT'
bin=/usr/lib/postgresql/15/bin
$bin/initdb -D /tmp/pg -U postgres --auth=trust --no-locale -E UTF8 --no-sync >/tmp/initdb.log \
	|| { cat /tmp/initdb.log; exit 1; }
$bin/pg_ctl -D /tmp/pg -l /tmp/pg.log -w -t 30 \
	-o "-k /tmp -p 5432 -c listen_addresses=127.0.0.1" start >/dev/null \
	|| { cat /tmp/pg.log; exit 1; }
pid=$(head -n 1 /tmp/pg/postmaster.pid)
# Written through the unix socket in /tmp, read back over TCP.
$bin/psql -h /tmp -p 5432 -U postgres -X -q -v ON_ERROR_STOP=1 <<'EOF'
CREATE TABLE hardened (id integer PRIMARY KEY, what text NOT NULL);
INSERT INTO hardened VALUES (1, 'postgres under hardshim'), (2, 'second row');
EOF
echo "row=$($bin/psql -h 127.0.0.1 -p 5432 -U postgres -X -At -v ON_ERROR_STOP=1 \
	-c "SELECT id, what FROM hardened WHERE id = 1")"
echo "count=$($bin/psql -h 127.0.0.1 -p 5432 -U postgres -X -At -c "SELECT count(*) FROM hardened")"
proof "$pid"
$bin/pg_ctl -D /tmp/pg -m fast -w stop >/dev/null
echo stopped
SCRIPT
)
	run_workload "$b" postgres
	[ "$status" -eq 0 ]
	assert_line_exact "row=1|postgres under hardshim" "$T/out"
	assert_line_exact "count=2" "$T/out"
	assert_line_exact "stopped" "$T/out"
	assert_hardened
}
