#!/usr/bin/env bash
# kind, pinned to the release the GitHub workflow uses, for this container's architecture.
set -euo pipefail
KIND_VERSION=v0.33.0
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-kind: no kind release for $(uname -m)" >&2; exit 1 ;;
esac
curl -fsSLo /tmp/kind "https://kind.sigs.k8s.io/dl/${KIND_VERSION}/kind-linux-${arch}"
sudo install -m 0755 /tmp/kind /usr/local/bin/kind
kind version
