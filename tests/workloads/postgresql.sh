# SPDX-License-Identifier: Apache-2.0
# postgresql 15: initdb in /tmp, started with pg_ctl, written to and queried
# with psql, stopped.
bin=/usr/lib/postgresql/15/bin
$bin/initdb -D /tmp/pg -U postgres --auth=trust --no-locale -E UTF8 --no-sync >/tmp/initdb.log \
	|| { cat /tmp/initdb.log; exit 1; }
$bin/pg_ctl -D /tmp/pg -l /tmp/pg.log -w -t 30 \
	-o "-k /tmp -p 5432 -c listen_addresses=127.0.0.1" start >/dev/null \
	|| { cat /tmp/pg.log; exit 1; }
pid=$(head -n 1 /tmp/pg/postmaster.pid)
# Written through the unix socket in /tmp, read back over TCP.
$bin/psql -h /tmp -p 5432 -U postgres -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE hardened (id integer PRIMARY KEY, what text NOT NULL);
INSERT INTO hardened VALUES (1, 'postgres under hardshim'), (2, 'second row');
SQL
echo "row=$($bin/psql -h 127.0.0.1 -p 5432 -U postgres -X -At -v ON_ERROR_STOP=1 \
	-c "SELECT id, what FROM hardened WHERE id = 1")"
echo "count=$($bin/psql -h 127.0.0.1 -p 5432 -U postgres -X -At -c "SELECT count(*) FROM hardened")"
proof "$pid"
$bin/pg_ctl -D /tmp/pg -m fast -w stop >/dev/null
echo stopped
