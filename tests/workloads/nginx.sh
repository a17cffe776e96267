# SPDX-License-Identifier: Apache-2.0
# nginx (a master and two workers) serves a page from /tmp on 127.0.0.1:8080.
mkdir -p /tmp/nginx/www
echo "hello from nginx under hardshim" >/tmp/nginx/www/index.html
cat >/tmp/nginx/nginx.conf <<'CONF'
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
CONF
nginx -p /tmp/nginx -e /tmp/nginx/error.log -c /tmp/nginx/nginx.conf \
	-g "daemon off; pid /tmp/nginx/nginx.pid;" &
pid=$!
wait_for fetch http://127.0.0.1:8080/ || { cat /tmp/nginx/error.log; exit 1; }
echo "body=$(fetch http://127.0.0.1:8080/)"
# The workers, not just the master, answered: the access log has the request.
echo "logged=$(grep -c "GET / HTTP/1.1\" 200" /tmp/nginx/access.log)"
proof "$pid"
kill "$pid"
