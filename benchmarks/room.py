"""What one workshop participant costs the cluster: memory and CPU per room namespace,
sampled from the stand-in's pod cgroups (cgroup v1, as root) while lessons run.

    sudo .venv/bin/python benchmarks/room.py --seconds 600 [--room ci]

Prints, per participant namespace, the peak and mean memory working set (usage minus
inactive page cache, as the kubelet counts it) and the mean and peak CPU in cores, then
the room's sums. Run it beside tests/kubernetes/test_two_participants.py,
which puts two participants through lessons 3 to 5 at once.
"""

import argparse
import statistics
import time
from pathlib import Path

from kubernetes import client

from lab.core.settings import ROOM_LABEL
from lab.targets.kubernetes.clusters import STANDIN_CONTEXT, STANDIN_KUBECONFIG
from lab.targets.kubernetes.kube_api import new_client

CGROUP_ROOT = "redis-tini-lab-standin/kubepods"  # the stand-in's cgroupRoot (scripts/k8s-standin.sh)
MEMORY = Path("/sys/fs/cgroup/memory") / CGROUP_ROOT
CPU = Path("/sys/fs/cgroup/cpuacct") / CGROUP_ROOT


def pod_cgroup(base: Path, uid: str):
    for qos in ("", "burstable/", "besteffort/"):
        path = base / f"{qos}pod{uid}"
        if path.is_dir():
            return path
    return None


def working_set(path: Path) -> int:
    usage = int((path / "memory.usage_in_bytes").read_text())
    stats = dict(line.split() for line in (path / "memory.stat").read_text().splitlines())
    return max(0, usage - int(stats.get("total_inactive_file", 0)))


def sample(core, room: str):
    """{namespace: (working set bytes, CPU nanoseconds used so far)} for the room's pods."""
    found = {}
    for namespace in core.list_namespace(label_selector=f"{ROOM_LABEL}={room}").items:
        name, memory, cpu = namespace.metadata.name, 0, 0
        for pod in core.list_namespaced_pod(name).items:
            memory_path, cpu_path = pod_cgroup(MEMORY, pod.metadata.uid), pod_cgroup(CPU, pod.metadata.uid)
            try:
                memory += working_set(memory_path) if memory_path else 0
                cpu += int((cpu_path / "cpuacct.usage").read_text()) if cpu_path else 0
            except (OSError, ValueError):
                pass  # the pod went away between listing and reading
        found[name] = (memory, cpu)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--every", type=float, default=2)
    parser.add_argument("--room", default="ci")
    args = parser.parse_args()
    core = client.CoreV1Api(new_client(STANDIN_CONTEXT, str(STANDIN_KUBECONFIG)))
    memory, cores, previous = {}, {}, {}
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        now, readings = time.monotonic(), sample(core, args.room)
        for name, (used, cpu_ns) in readings.items():
            if used:
                memory.setdefault(name, []).append(used)
            if name in previous and cpu_ns >= previous[name][1]:
                cores.setdefault(name, []).append((cpu_ns - previous[name][1]) / 1e9 / (now - previous[name][0]))
            previous[name] = (now, cpu_ns)
        time.sleep(args.every)
    mib = 1024 * 1024
    for name in sorted(memory):
        print(
            f"{name}: memory peak {max(memory[name]) / mib:.0f} MiB, mean {statistics.mean(memory[name]) / mib:.0f} MiB; "
            f"CPU mean {statistics.mean(cores.get(name, [0])):.2f} cores, peak {max(cores.get(name, [0])):.2f}"
        )
    if memory:  # the room: the sum of its participants' peaks and means (an upper bound for the peak)
        print(
            f"room {args.room}: memory peak at most {sum(max(m) for m in memory.values()) / mib:.0f} MiB, "
            f"mean {sum(statistics.mean(m) for m in memory.values()) / mib:.0f} MiB; CPU mean "
            f"{sum(statistics.mean(c) for c in cores.values()):.2f} cores"
        )


if __name__ == "__main__":
    main()
