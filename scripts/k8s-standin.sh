#!/usr/bin/env bash
# A real single-node Kubernetes for machines where kind cannot run (no registry for its
# node image): Kubernetes 1.20.2 built from Debian bookworm's own `kubernetes` source
# package, run with Debian's containerd, runc, CNI plugins, etcd and dnsmasq. CI runs the
# Kubernetes lessons on it; learners use kind. It needs root on a Debian machine.
#
#   scripts/k8s-standin.sh build         build the binaries once (about 6 min on 2 cores);
#                                        later calls reuse them
#   scripts/k8s-standin.sh up            build if needed, start everything, wait for a Ready
#                                        node; writes a kubeconfig with the context "lab-standin"
#   scripts/k8s-standin.sh status        what runs; exit 0 when the node is Ready
#   scripts/k8s-standin.sh load IMAGE..  docker save IMAGE | ctr import (like `kind load`)
#   scripts/k8s-standin.sh down          stop it all; nothing left running or mounted
#
# It keeps to itself: its own containerd (socket, root, state, runc root), its own bridge
# (labk8s0, 10.244.0.1/24), its own cgroup root, ports on 127.0.0.1 or that bridge only.
# It never touches Docker's containers, networks or images (it only reads images in
# `load`). The kubelet and kube-proxy set a few kernel settings and iptables chains of
# their own: `up` records the settings first, and `down` puts them back, removes the
# chains, and checks that nothing is left running or mounted. It refuses to start on a
# machine that is a Kubernetes node already. Every wait is bounded, and a component that
# does not come up has the end of its log printed.
set -Eeuo pipefail
trap 'echo "k8s-standin: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/debian-archive.sh
. scripts/lib/debian-archive.sh

# -- what and where --------------------------------------------------------------------
K8S_VERSION=1.20.2
DEBIAN_SOURCE_VERSION=1.20.5+really1.20.2-1.1+deb12u1   # bookworm's `kubernetes` source package
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet)   # built from source
# kubectl is Debian's own binary package from the same source (kubernetes-client): no build.

CACHE=${LAB_STANDIN_CACHE:-/var/cache/redis-tini-lab/k8s-standin}   # the build, kept across clones
BIN=$CACHE/bin-$K8S_VERSION
STATE=/var/lib/redis-tini-lab/k8s-standin                           # removed by `down`
RUN=/run/redis-tini-lab/k8s-standin                                 # removed by `down`
LOGS=/var/log/redis-tini-lab/k8s-standin                            # kept for a look after `down`
SOCK=$RUN/containerd.sock
PKI=$STATE/pki
ADMIN_KUBECONFIG=$STATE/admin.kubeconfig
STANDIN_KUBECONFIG=$STATE/kubeconfig          # context lab-standin, for the lab and for kubectl

CONTEXT=lab-standin                       # what LAB_TARGET=standin talks to
NODE=redis-tini-lab-standin
BRIDGE=labk8s0
NODE_IP=10.244.0.1                        # the bridge's address: node IP, kubelet, cluster DNS
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_PORT=16443                            # apiserver on 127.0.0.1 (not 6443: stay out of others' way)
ETCD_PORT=12379
WEBHOOK_PORT=12443                        # scripts/standin-webhook.py: refuses Services with externalIPs
CGROUP_ROOT=/redis-tini-lab-standin       # every pod's cgroup lives under this
# What the kubelet and kube-proxy change on the host (and what `up` itself sets): recorded
# before `up`, put back by `down`.
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet
         vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
         net.netfilter.nf_conntrack_tcp_timeout_established net.netfilter.nf_conntrack_tcp_timeout_close_wait)
SYSCTLS_SAVED=/var/lib/redis-tini-lab/k8s-standin.sysctl   # outside $STATE: kept until down restores it
MODULES_LOADED=/var/lib/redis-tini-lab/k8s-standin.modules  # the kernel modules up loaded, for down to unload
# Everything of ours that runs has one of these in its command line.
OURS="$BIN/|etcd --name standin|standin-webhook.py $WEBHOOK_PORT|containerd --config $STATE|-address $SOCK|dnsmasq .*--listen-address=$NODE_IP"
PAUSE_IMAGE=lab-standin/pause:3.2         # built here from the source's build/pause/linux/pause.c
# The kubelet's per-pod PID limit: the same number kind-config.yaml gives its worker node
# (a unit test keeps the two equal).
POD_PIDS_LIMIT=${LAB_STANDIN_POD_PIDS_LIMIT:-32}

say() { echo "k8s-standin: $*"; }
fail() { echo "k8s-standin: $*" >&2; exit 1; }

# Call `check` once a second until it succeeds, for at most `seconds`; on failure name
# what was awaited and show the end of the component's log.
wait_for() {  # seconds what component check...
  local seconds=$1 what=$2 component=$3; shift 3
  local i
  for ((i = 0; i < seconds; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "k8s-standin: gave up after ${seconds}s waiting for $what; the end of $LOGS/$component.log:" >&2
  tail -n 25 "$LOGS/$component.log" >&2 2>/dev/null || true
  return 1
}

need_root() {
  [ "$(id -u)" = 0 ] || fail "the stand-in runs containerd, a kubelet and a bridge: it needs root. Fix: sudo $0 $*"
}

# -- build -------------------------------------------------------------------------------
install_packages() {  # command:package or package...: install what is missing
  # (by command where there is one, not by package name: Docker CE's containerd.io provides
  # containerd and runc, and installing Debian's packages of those would remove it)
  local missing=() wanted
  for wanted in "$@"; do
    if [[ $wanted == *:* ]]; then command -v "${wanted%%:*}" >/dev/null 2>&1 || missing+=("${wanted#*:}")
    else dpkg -s "$wanted" >/dev/null 2>&1 || missing+=("$wanted"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} from Debian's packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

built() { [ "$(cat "$BIN/.complete" 2>/dev/null)" = "$DEBIAN_SOURCE_VERSION" ]; }

fetch_source() {  # into $1
  # A private apt configuration (own source list, own lists folder) with one deb-src
  # line for bookworm, made from the archive the machine already uses.
  local archive key apt_dir=$CACHE/apt
  read -r archive key < <(debian_archive) || true
  [ -n "${archive:-}" ] || fail "no Debian archive in this machine's apt sources, so bookworm's kubernetes source cannot be fetched. Fix: use kind instead (https://kind.sigs.k8s.io), or run on Debian."
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts"
  printf 'deb %s%s bookworm main\ndeb-src %s%s bookworm main\n' "${key:+[signed-by=$key] }" "$archive" \
    "${key:+[signed-by=$key] }" "$archive" > "$apt_dir/sources.list"
  APT_OPTS=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
            -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root")
  say "fetching the source package kubernetes=$DEBIAN_SOURCE_VERSION (from $archive, bookworm)..."
  apt-get "${APT_OPTS[@]}" update -qq
  (cd "$1" && apt-get "${APT_OPTS[@]}" source -qq --download-only "kubernetes=$DEBIAN_SOURCE_VERSION")
  # dpkg-source applies Debian's own patches (a CVE fix among them), as the package build does.
  (cd "$1" && dpkg-source -q -x "kubernetes_$DEBIAN_SOURCE_VERSION.dsc" src >/dev/null)
  # kubectl: Debian's binary package built from this same source, from the same bookworm list.
  (cd "$1" && apt-get "${APT_OPTS[@]}" download -qq "kubernetes-client=$DEBIAN_SOURCE_VERSION" \
     && dpkg-deb -x kubernetes-client_*.deb deb)
}

build() {
  need_root build
  # One build at a time: `up` waits here for a build that `./course test` started earlier.
  mkdir -p "$CACHE" && exec 9>"$CACHE/build.lock"
  if ! flock -n 9; then
    say "a build is under way already: waiting for it (at most 30 min)..."
    flock -w 1800 9 || fail "the other build did not finish within 30 min; see $LOGS/build.log"
  fi
  if built; then say "Kubernetes $K8S_VERSION binaries are built ($BIN): reusing them."; return 0; fi
  local started=$SECONDS work=$CACHE/build
  install_packages go:golang-go rsync:rsync dpkg-source:dpkg-dev gcc:gcc libc6-dev
  rm -rf "$work" && mkdir -p "$work"
  fetch_source "$work"
  say "building ${BINARIES[*]} with $(go version | cut -d' ' -f3) (about 6 min on 2 cores; log: $LOGS/build.log)..."
  mkdir -p "$LOGS"
  # As Debian's debian/rules does: a GOPATH that contains the tree, then the upstream Makefile.
  (
    cd "$work/src" && mkdir -p .go/src/k8s.io && ln -sfn ../../.. .go/src/k8s.io/kubernetes
    export GOPATH=$PWD/.go GOCACHE=$work/go-cache CGO_ENABLED=0 HOME=$work/home
    make WHAT="$(printf 'cmd/%s ' "${BINARIES[@]}")"
  ) >"$LOGS/build.log" 2>&1 || { tail -n 30 "$LOGS/build.log" >&2; fail "the build failed; the end of its log is above."; }
  mkdir -p "$BIN.new"
  for binary in "${BINARIES[@]}"; do cp "$work/src/_output/local/bin/linux/"*/"$binary" "$BIN.new/"; done
  # The pod sandbox: pause.c from the same tree (PID 1 of a pod with shareProcessNamespace;
  # it reaps in a SIGCHLD handler, lesson 5).
  gcc -Os -static -o "$BIN.new/pause" "$work/src/build/pause/linux/pause.c"
  cp "$work/deb/usr/bin/kubectl" "$BIN.new/kubectl"
  echo "$DEBIAN_SOURCE_VERSION" > "$BIN.new/.complete"
  rm -rf "$BIN" && mv "$BIN.new" "$BIN"
  rm -rf "$work"   # the tree and Go's cache are about 3 GB; the binaries are all we keep
  say "built in $((SECONDS - started))s: $BIN"
}

# -- up ----------------------------------------------------------------------------------
start() {  # name command...: in a session of its own, log to $LOGS/name.log
  local name=$1; shift
  # 9>&-: the daemon must not hold the build lock (a later build would wait on it forever)
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  echo $! > "$RUN/$name.pid"
}

certificate() {  # name subject [subjectAltName]: signed by the stand-in's own CA
  local name=$1 subject=$2 san=${3:-}
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  if [ -n "$san" ]; then printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san"
  else printf 'extendedKeyUsage=clientAuth\n'; fi > "$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
    -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
}

make_pki() (  # a subshell: umask 077, so every key is private from the moment it is written
  umask 077
  mkdir -p "$PKI"
  openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -nodes -key "$PKI/ca.key" -subj "/CN=redis-tini-lab-standin-ca" -days 30 -out "$PKI/ca.crt" 2>/dev/null
  certificate apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  certificate admin "/CN=lab-standin-admin/O=system:masters"
  certificate kubelet "/CN=system:node:$NODE/O=system:nodes" "IP:$NODE_IP,DNS:$NODE"
  # etcd serves and peers over TLS and asks every client for a certificate from this CA:
  # a local user cannot read or write the cluster's state through it.
  certificate etcd "/CN=standin-etcd" "IP:127.0.0.1,DNS:localhost"
  certificate apiserver-etcd-client "/CN=kube-apiserver-etcd-client"
  certificate webhook "/CN=standin-webhook" "IP:127.0.0.1"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
)

kubeconfig() {  # file user [name]: a kubeconfig for the apiserver with that user's certificate
  # Written by hand: kubectl 1.20 built with Go >= 1.18 crashes in `kubectl config set-*`
  # (json-iterator's sorted map encoding on an old reflect2), and it is a small YAML file.
  local file=$1 user=$2 name=${3:-standin}
  # umask 077 in a subshell: the file holds a client key, and is private from its first byte.
  (umask 077; cat > "$file") <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")
contexts:
- name: $name
  context: {cluster: $name, user: $name}
current-context: $name
EOF
}

kubectl_admin() { "$BIN/kubectl" --kubeconfig="$ADMIN_KUBECONFIG" --request-timeout=5s "$@"; }

start_control_plane() {
  start etcd etcd --name standin --data-dir "$STATE/etcd" \
    --listen-client-urls "https://127.0.0.1:$ETCD_PORT" --advertise-client-urls "https://127.0.0.1:$ETCD_PORT" \
    --cert-file="$PKI/etcd.crt" --key-file="$PKI/etcd.key" --client-cert-auth --trusted-ca-file="$PKI/ca.crt" \
    --listen-peer-urls "https://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "https://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "standin=https://127.0.0.1:$((ETCD_PORT + 1))" \
    --peer-cert-file="$PKI/etcd.crt" --peer-key-file="$PKI/etcd.key" --peer-client-cert-auth \
    --peer-trusted-ca-file="$PKI/ca.crt"
  start webhook python3 "$PWD/scripts/standin-webhook.py" "$WEBHOOK_PORT" "$PKI/webhook.crt" "$PKI/webhook.key"
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers="https://127.0.0.1:$ETCD_PORT" \
    --etcd-cafile="$PKI/ca.crt" --etcd-certfile="$PKI/apiserver-etcd-client.crt" \
    --etcd-keyfile="$PKI/apiserver-etcd-client.key" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" --insecure-port=0 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction,PodSecurityPolicy \
    --kubelet-client-certificate="$PKI/admin.crt" --kubelet-client-key="$PKI/admin.key" \
    --kubelet-preferred-address-types=InternalIP   # kubelet 1.20 publishes the bridge address only
  wait_for 60 "the API server to be ready" kube-apiserver kubectl_admin get --raw /readyz
  apply_admission_policies
  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig="$ADMIN_KUBECONFIG" \
    --bind-address=127.0.0.1 --port=0 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key"
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$ADMIN_KUBECONFIG" --bind-address=127.0.0.1 --port=0 \
    --leader-elect=false
}

# Kubernetes 1.20 has no Pod Security Admission and no DenyServiceExternalIPs: the
# stand-in brings their equivalent, so that a workshop room on it isolates its participants
# (lab/workshop/room_isolation.py checks it). Every pod on the stand-in must pass a
# baseline-like PodSecurityPolicy (no privileged, host namespaces, hostPath or host ports;
# nothing the lessons need), and a webhook refuses Services with externalIPs.
apply_admission_policies() {
  kubectl_admin apply -f - >/dev/null <<EOF
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: redis-tini-lab-baseline}
spec:
  privileged: false
  hostPID: false
  hostIPC: false
  hostNetwork: false
  allowPrivilegeEscalation: true
  volumes: [configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim]
  runAsUser: {rule: RunAsAny}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: redis-tini-lab-baseline-psp}
rules:
- {apiGroups: [policy], resources: [podsecuritypolicies], resourceNames: [redis-tini-lab-baseline], verbs: [use]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: redis-tini-lab-baseline-psp}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: redis-tini-lab-baseline-psp}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:serviceaccounts"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: redis-tini-lab-deny-external-ips}
webhooks:
- name: deny-external-ips.standin.redis-tini-lab
  clientConfig:
    url: "https://127.0.0.1:$WEBHOOK_PORT/deny-external-ips"
    caBundle: $(base64 -w0 "$PKI/ca.crt")
  rules:
  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [services]}
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  timeoutSeconds: 5
EOF
}

make_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add "$BRIDGE" type bridge
    ip addr add "$NODE_IP/24" dev "$BRIDGE"
  }
  ip link set "$BRIDGE" up
  sysctl -qw net.ipv4.ip_forward=1
  # Pod -> Service -> pod on one bridge goes through iptables only with br_netfilter. If
  # this loads it, down unloads it again (Docker's bridge networking often loaded it first).
  if ! grep -q '^br_netfilter ' /proc/modules 2>/dev/null && modprobe br_netfilter 2>/dev/null; then
    echo br_netfilter > "$MODULES_LOADED"
  fi
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  mkdir -p "$STATE/cni"
  # No ipMasq and no portmap: pods talk to each other and to Services only, so the CNI
  # plugins add no iptables rules of their own.
  cat > "$STATE/cni/10-labk8s.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "labk8s", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$STATE/cni-ipam",
            "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]], "routes": [{"dst": "0.0.0.0/0"}]}}]}
EOF
}

start_containerd() {
  cat > "$STATE/containerd.toml" <<EOF
version = 2
root = "$STATE/containerd"
state = "$RUN/containerd"
[grpc]
  address = "$SOCK"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$STATE/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_IMAGE"
    # runc may not lower oom_score_adj here ("can't get final child's PID from pipe: EOF").
    restrict_oom_score_adj = true
    # Pods' network namespaces under our state folder, so down finds every mount.
    netns_mounts_under_state_dir = true
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$STATE/cni"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$RUN/runc"
EOF
  start containerd containerd --config "$STATE/containerd.toml"
  wait_for 30 "containerd's socket $SOCK" containerd ctr -a "$SOCK" version
}

import_pause_image() {
  # A one-layer image in `docker save` format, written by hand: no Docker involved.
  local dir; dir=$(mktemp -d)
  install -m 0755 "$BIN/pause" "$dir/pause"
  tar -C "$dir" -cf "$dir/layer.tar" pause
  local diff_id; diff_id=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(dpkg --print-architecture)" "$diff_id" > "$dir/config.json"
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$PAUSE_IMAGE" > "$dir/manifest.json"
  tar -C "$dir" -cf - manifest.json config.json layer.tar | ctr -a "$SOCK" -n k8s.io images import - >/dev/null
  rm -rf "$dir"
}

make_cgroup_root() {
  # The kubelet puts every pod under cgroupRoot and wants it to exist; `down` removes it.
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    mkdir -p "/sys/fs/cgroup$CGROUP_ROOT"    # cgroup v2: one tree
  else
    for controller in /sys/fs/cgroup/*/; do
      [ -L "${controller%/}" ] || mkdir -p "$controller${CGROUP_ROOT#/}"
    done
  fi
}

start_kubelet() {
  make_cgroup_root
  cat > "$STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$PKI/kubelet.crt"
tlsPrivateKeyFile: "$PKI/kubelet.key"
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
clusterDNS: ["$NODE_IP"]
clusterDomain: cluster.local
podPidsLimit: $POD_PIDS_LIMIT
failSwapOn: false
# The host's disk is shared with everything else on it: never evict or collect images.
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  kubeconfig "$STATE/kubelet.kubeconfig" kubelet
  start kubelet "$BIN/kubelet" --config="$STATE/kubelet.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
    --container-runtime=remote --container-runtime-endpoint="unix://$SOCK" --node-ip="$NODE_IP" \
    --hostname-override="$NODE" --root-dir="$STATE/kubelet"
}

start_kube_proxy() {
  # NodePorts, if any, on 127.0.0.1 only (the course has none); --masquerade-all so
  # pod -> ClusterIP -> pod on the same bridge passes Docker's FORWARD policy (DROP).
  start kube-proxy "$BIN/kube-proxy" --kubeconfig="$ADMIN_KUBECONFIG" --hostname-override="$NODE" \
    --proxy-mode=iptables --cluster-cidr="$POD_CIDR" --masquerade-all --nodeport-addresses=127.0.0.1/32 \
    --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 \
    --bind-address=127.0.0.1 --metrics-bind-address=127.0.0.1:10249 \
    --healthz-bind-address=127.0.0.1:10256
}

start_cluster_dns() {
  # No CoreDNS in Debian: dnsmasq answers <service>.<namespace>.svc.cluster.local from a
  # hosts file that a loop rewrites from the Services every 2 seconds.
  mkdir -p "$STATE/dns"
  start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
    --listen-address="$NODE_IP" --hostsdir="$STATE/dns" --log-facility=-
  start dns-sync bash -c "while sleep 2; do
      '$BIN/kubectl' --kubeconfig='$ADMIN_KUBECONFIG' --request-timeout=5s get services --all-namespaces \
        -o jsonpath='{range .items[*]}{.spec.clusterIP} {.metadata.name}.{.metadata.namespace}.svc.cluster.local{\"\\n\"}{end}' \
        | grep -v '^None' > '$STATE/services.tmp' && mv '$STATE/services.tmp' '$STATE/dns/services'
    done"
}

add_context() {
  # Its own kubeconfig file, with the context "lab-standin": the user's ~/.kube/config is
  # never edited. The lab finds this file by itself (LAB_TARGET=standin).
  kubeconfig "$STANDIN_KUBECONFIG" admin "$CONTEXT"
  say "kubeconfig: $STANDIN_KUBECONFIG (context $CONTEXT). For kubectl: export KUBECONFIG=$STANDIN_KUBECONFIG"
}

node_ready() {
  kubectl_admin get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True
}

default_service_account() { kubectl_admin get serviceaccount default -n default; }

is_a_node_already() {
  # KUBE- chains that are not ours: another kubelet or kube-proxy runs on this machine.
  [ ! -e "$STATE" ] && iptables-save 2>/dev/null | grep -q '^:KUBE-'
}

save_sysctls() {
  [ -e "$SYSCTLS_SAVED" ] && return 0   # an earlier up recorded them; down has not restored them yet
  mkdir -p "$(dirname "$SYSCTLS_SAVED")"
  local key value
  for key in "${SYSCTLS[@]}"; do
    value=$(sysctl -n "$key" 2>/dev/null) && echo "$key=$value"
  done > "$SYSCTLS_SAVED"
}

restore_sysctls() {
  [ -e "$SYSCTLS_SAVED" ] || return 0
  local key value
  while IFS='=' read -r key value; do sysctl -qw "$key=$value" 2>/dev/null || true; done < "$SYSCTLS_SAVED"
  rm -f "$SYSCTLS_SAVED"
}

unload_modules() {  # what up loaded, unless something else uses it now (say so, and leave it)
  [ -e "$MODULES_LOADED" ] || return 0
  local module
  while read -r module; do
    modprobe -r "$module" 2>/dev/null || say "note: $module stays loaded: something else uses it now (lsmod shows what)."
  done < "$MODULES_LOADED"
  rm -f "$MODULES_LOADED"
}

up() {
  need_root up
  if node_ready 2>/dev/null; then say "already up: node $NODE is Ready (context $CONTEXT)."; return 0; fi
  if is_a_node_already; then
    fail "this machine has iptables chains of another Kubernetes (KUBE-...): the stand-in would share them. Fix: run it on a machine that is not a Kubernetes node."
  fi
  # Left over from a crash or a reboot (processes gone, state still there): clean it first.
  if [ -e "$RUN" ] || [ -e "$STATE" ]; then say "a stand-in that is not Ready was found: taking it down first"; down; fi
  build
  local had_etcd; had_etcd=$(command -v etcd || true)
  install_packages etcd:etcd-server containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
    dnsmasq:dnsmasq-base iptables:iptables conntrack:conntrack openssl:openssl
  # Debian's etcd-server package starts its own etcd under systemd: the stand-in runs its own.
  if [ -z "$had_etcd" ] && [ -d /run/systemd/system ]; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
  local started=$SECONDS
  save_sysctls
  mkdir -p "$STATE" "$RUN" "$LOGS" && find "$LOGS" -name '*.log' ! -name build.log -delete
  # Whatever fails from here on (a bounded wait, a component): take down what was started.
  trap 'code=$?; if [ $code -ne 0 ]; then echo "k8s-standin: up failed: taking down what it started" >&2; down >/dev/null 2>&1 || true; fi' EXIT
  make_pki
  kubeconfig "$ADMIN_KUBECONFIG" admin
  start_control_plane
  make_bridge
  start_containerd
  import_pause_image
  start_kubelet
  start_kube_proxy
  start_cluster_dns
  wait_for 90 "node $NODE to be Ready" kubelet node_ready
  wait_for 30 "the default ServiceAccount (controller-manager)" kube-controller-manager default_service_account
  add_context
  trap - EXIT
  say "up in $((SECONDS - started))s: Kubernetes $("$BIN/kubectl" version --client --short 2>/dev/null | awk '{print $3}'), node $NODE Ready, pods' PID limit $POD_PIDS_LIMIT, NodePorts on 127.0.0.1."
}

# -- down --------------------------------------------------------------------------------
stop_component() {  # name: SIGTERM, then SIGKILL after 10 s
  local pidfile=$RUN/$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  # Only our own: `start` made each component the leader of its session (a reused PID is not).
  if [ "$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

remove_pods() {
  # With the controllers stopped nothing recreates them: the kubelet stops each pod
  # properly (CNI DEL, volumes unmounted). Bounded; whatever is left is killed below.
  kubectl_admin delete pods --all --all-namespaces --grace-period=1 --wait=false >/dev/null 2>&1 || return 0
  for _ in $(seq 30); do
    [ -z "$(ctr -a "$SOCK" -n k8s.io tasks ls -q 2>/dev/null)" ] && return 0
    sleep 1
  done
}

kill_containers() {
  local id
  for id in $(ctr -a "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr -a "$SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  done
  sleep 1
  for id in $(ctr -a "$SOCK" -n k8s.io containers ls -q 2>/dev/null); do
    ctr -a "$SOCK" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
    ctr -a "$SOCK" -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
  done
}

remove_kube_chains() {
  # kube-proxy --cleanup removes kube-proxy's chains; the kubelet's own (KUBE-FIREWALL,
  # KUBE-MARK-DROP, KUBE-KUBELET-CANARY, ...) stay. `up` refuses to start where KUBE-
  # chains existed before, so every one of them here is the stand-in's.
  [ -x "$BIN/kube-proxy" ] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local table rule chain
  for table in filter nat mangle; do
    iptables-save -t "$table" 2>/dev/null | grep -E '^-A [A-Z]+ .*-j KUBE-' | sed 's/^-A /-D /' |
      while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null || true; done || true
    for chain in $(iptables-save -t "$table" 2>/dev/null | awk '/^:KUBE-/ {print substr($1, 2)}'); do
      iptables -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables-save -t "$table" 2>/dev/null | awk '/^:KUBE-/ {print substr($1, 2)}'); do
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

our_mounts() { awk -v s="$STATE" -v r="$RUN" 'index($2, s) == 1 || index($2, r) == 1 {print $2}' /proc/mounts | sort -r; }

remove_cgroup_root() {
  # Depth first: a cgroup can only be removed once its children are.
  find /sys/fs/cgroup -depth -type d -path "*${CGROUP_ROOT}*" -exec rmdir {} \; 2>/dev/null || true
}

down() {
  need_root down
  [ -e "$RUN" ] || [ -e "$STATE" ] || [ -e "$SYSCTLS_SAVED" ] || [ -e "$MODULES_LOADED" ] || { say "not running; nothing to do."; return 0; }
  local started=$SECONDS
  stop_component dns-sync; stop_component dnsmasq
  stop_component kube-controller-manager; stop_component kube-scheduler
  [ -S "$SOCK" ] && [ -f "$ADMIN_KUBECONFIG" ] && remove_pods
  stop_component kubelet
  [ -S "$SOCK" ] && kill_containers
  stop_component kube-proxy
  stop_component containerd
  # Shims of our containerd only (their command line names our socket).
  pkill -9 -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true
  stop_component kube-apiserver; stop_component webhook; stop_component etcd
  # A webhook started by hand for a look (no pid file) is ours too: its command line names our port.
  pkill -f "standin-webhook.py $WEBHOOK_PORT" 2>/dev/null || true
  remove_kube_chains
  local mount
  for mount in $(our_mounts); do umount "$mount" 2>/dev/null || umount -l "$mount"; done
  remove_cgroup_root
  ip link del "$BRIDGE" 2>/dev/null || true
  restore_sysctls
  unload_modules
  check_nothing_left   # before removing the state: a failed down can be run again
  rm -rf "$STATE" "$RUN"
  say "down in $((SECONDS - started))s: nothing of the stand-in runs, is mounted, or is left in iptables; kernel settings restored (logs kept in $LOGS)."
}

check_nothing_left() {
  local problems=()
  [ -z "$(our_mounts)" ] || problems+=("mounts: $(our_mounts | tr '\n' ' ')")
  pgrep -f "$OURS" >/dev/null && problems+=("processes: $(pgrep -af "$OURS" | cut -c1-80 | tr '\n' ';')")
  ip link show "$BRIDGE" >/dev/null 2>&1 && problems+=("the bridge $BRIDGE")
  [ -z "$(find /sys/fs/cgroup -maxdepth 2 -path "*${CGROUP_ROOT}" 2>/dev/null)" ] || problems+=("cgroups under $CGROUP_ROOT")
  iptables-save 2>/dev/null | grep -q '^:KUBE-' && problems+=("iptables chains KUBE-*")
  [ ${#problems[@]} -eq 0 ] || fail "down: still there: ${problems[*]}. Fix: run scripts/k8s-standin.sh down again."
}

# -- status and load -----------------------------------------------------------------------
status() {
  local component running=0 total=0
  for component in etcd webhook kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy dnsmasq dns-sync; do
    total=$((total + 1))
    if [ -f "$RUN/$component.pid" ] && kill -0 "$(cat "$RUN/$component.pid")" 2>/dev/null; then
      running=$((running + 1)); printf '  %-24s running (pid %s)\n' "$component" "$(cat "$RUN/$component.pid")"
    else
      printf '  %-24s not running\n' "$component"
    fi
  done
  if [ "$running" -eq "$total" ] && node_ready 2>/dev/null; then
    say "up: node $NODE Ready, context $CONTEXT, API https://127.0.0.1:$API_PORT"; return 0
  fi
  say "not up ($running of $total components running). Fix: sudo scripts/k8s-standin.sh up"; return 3
}

containerd_name() {  # IMAGE: the name containerd gives an image imported from `docker save`
  local ref=$1
  if [[ $ref != */* ]]; then
    ref="docker.io/library/$ref"                              # redis:7 (its tag's colon is no registry port)
  else
    case "${ref%%/*}" in
      *.*|*:*|localhost) ;;                                   # has a registry already
      *) ref="docker.io/$ref" ;;
    esac
  fi
  echo "$ref"
}

load() {
  need_root load
  [ $# -gt 0 ] || fail "usage: $0 load IMAGE..."
  [ -S "$SOCK" ] || fail "the stand-in is not up. Fix: sudo scripts/k8s-standin.sh up"
  local image id name
  for image in "$@"; do
    id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) \
      || fail "$image is not in Docker. Fix: build it first (python -m lab build)."
    name=$(containerd_name "$image")
    # Like `kind load`: skip an image the node already has (same Docker image ID).
    if ctr -a "$SOCK" -n k8s.io images ls "name==$name" | grep -q "io.redis-tini-lab.docker-id=$id"; then
      say "$image is loaded already (image ID ${id:7:12})"; continue
    fi
    echo "\$ docker save $image | ctr -a $SOCK -n k8s.io images import -"
    timeout 300 bash -c "docker save '$image' | ctr -a '$SOCK' -n k8s.io images import - >/dev/null" \
      || fail "could not load $image into the stand-in's containerd (the end of the error is above)."
    # containerd's CRI plugin labels a newly imported image itself at the same moment, and
    # one of the two updates can lose: try again, a few times.
    local try
    for try in 1 2 3 4 5; do
      ctr -a "$SOCK" -n k8s.io images label "$name" "io.redis-tini-lab.docker-id=$id" >/dev/null 2>&1 && break
      [ "$try" -lt 5 ] || fail "could not label $name in the stand-in's containerd"
      sleep 1
    done
  done
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down ;;
  status) status ;;
  load) shift; load "$@" ;;
  *) echo "usage: $0 build | up | status | load IMAGE... | down" >&2; exit 2 ;;
esac
