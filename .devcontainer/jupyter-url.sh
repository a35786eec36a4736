#!/usr/bin/env bash
# Say where JupyterLab is: its URL with the login token, once `./course lab` has printed it.
for _ in $(seq 1 60); do
  url=$(grep -m1 -o 'http://127.0.0.1:8888/lab?token=[0-9a-f]*' /tmp/jupyterlab.log 2>/dev/null || true)
  if [ -n "$url" ]; then echo "JupyterLab: $url (the Ports tab forwards 8888)"; exit 0; fi
  sleep 1
done
echo "JupyterLab has not started yet: see /tmp/jupyterlab.log, or run ./course lab in a terminal."
