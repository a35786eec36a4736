#!/bin/sh
# Same shape as the official image's entrypoint: step down to the redis user, then exec,
# so redis-server replaces this shell and becomes PID 1.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ]; then
  # The official build compiles protected mode off; Debian's binary needs the flag.
  shift
  set -- redis-server --protected-mode no "$@"
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
