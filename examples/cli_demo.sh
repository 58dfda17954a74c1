#!/bin/sh
# The posixly command end to end: start a web server as a daemon that counts
# as ready once it accepts connections, ask for its status, make a request,
# restart it, stop it.
#
#   sh examples/cli_demo.sh                            (Deno)
#   POSIXLY="bun cli/main.ts" sh examples/cli_demo.sh  (Bun)
#   POSIXLY="node --disable-warning=ExperimentalWarning cli/main.ts" sh examples/cli_demo.sh
#                                                      (Node.js 26)
#
# Needs python3 (the server). Its files go to a temporary directory.
set -eu
cd "$(dirname "$0")/.."
deno=$(command -v deno || echo node_modules/.bin/deno)
POSIXLY=${POSIXLY:-"$deno run -A --quiet cli/main.ts"}
port=${PORT:-18080}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
server="--pidfile $dir/web.pid --logfile $dir/web.log --chdir $dir --ready tcp:127.0.0.1:$port"

echo "\$ posixly start $server -- python3 -m http.server $port"
$POSIXLY start $server -- python3 -m http.server --bind 127.0.0.1 "$port"

echo "\$ posixly status"
$POSIXLY status --pidfile "$dir/web.pid"
$POSIXLY status --pidfile "$dir/web.pid" --json

echo "\$ a request"
python3 -c "import urllib.request; print('HTTP', urllib.request.urlopen('http://127.0.0.1:$port/').status)"

echo "\$ posixly restart"
$POSIXLY restart $server -- python3 -m http.server --bind 127.0.0.1 "$port"

echo "\$ posixly stop"
$POSIXLY stop --pidfile "$dir/web.pid"
$POSIXLY status --pidfile "$dir/web.pid" || echo "(status $?)"
