# SPDX-License-Identifier: Apache-2.0
# redis-server on 127.0.0.1:6379, answering redis-cli and redis-benchmark.
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
