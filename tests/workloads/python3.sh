# SPDX-License-Identifier: Apache-2.0
# python3's http.server on 127.0.0.1:8000, fetched with urllib: a file, a
# directory listing and a missing page.
mkdir -p /tmp/www/files
echo "hello from python under hardshim" >/tmp/www/index.html
echo data >/tmp/www/files/listed-file.txt
python3 -m http.server 8000 --bind 127.0.0.1 --directory /tmp/www >/tmp/http.log 2>&1 &
pid=$!
wait_for fetch http://127.0.0.1:8000/ || { cat /tmp/http.log; exit 1; }
echo "body=$(fetch http://127.0.0.1:8000/index.html)"
# A directory listing is made by the server (readdir), not read from a file.
fetch http://127.0.0.1:8000/files/ | grep -o "listed-file.txt" | head -n 1 | sed "s/^/listing=/"
python3 - <<'PY'
import urllib.error, urllib.request
try:
    urllib.request.urlopen("http://127.0.0.1:8000/nope", timeout=10)
except urllib.error.HTTPError as e:
    print("missing=%d" % e.code)
PY
proof "$pid"
kill "$pid"
