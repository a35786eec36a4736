"""What the kubelet itself knows, read through the API server's node proxy.

- Probe results: the kubelet counts every probe run per pod and result
  (`prober_probe_total` on its /metrics/probes endpoint). Events are no substitute: the
  kubelet's event recorder drops repeats for a pod after a burst of about 25 (client-go's
  spam filter), while this counter keeps counting.
- The per-pod PID limit: `podPidsLimit` in the kubelet's running configuration (/configz).

Both need the right to `get nodes/proxy`, which a cluster admin has (kind, the stand-in);
a participant on a shared cluster may not, and then the callers say what they fall back to.
"""

import json
import re

from lab.targets.kubernetes.kube_api import CoreApi

ProbeKey = tuple[str, str, str]  # (pod UID, probe type, result)

_SAMPLE = re.compile(r"^prober_probe_total\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_probe_counts(metrics_text: str) -> dict[ProbeKey, int]:
    """`prober_probe_total{pod_uid="..",probe_type="Liveness",result="failed"} 3` lines as
    {(pod UID, "Liveness", "failed"): 3}."""
    counts: dict[ProbeKey, int] = {}
    for line in metrics_text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            labels = dict(_LABEL.findall(match["labels"]))
            key = (labels.get("pod_uid", ""), labels.get("probe_type", ""), labels.get("result", ""))
            counts[key] = counts.get(key, 0) + int(float(match["value"]))
    return counts


def _node_proxy_text(core: CoreApi, node: str, path: str) -> str:
    # Raw bytes: the client would otherwise "deserialize" a JSON body into str(dict).
    text: str = core.connect_get_node_proxy_with_path(node, path, _preload_content=False).data.decode()
    return text


def probe_counts(core: CoreApi, node: str) -> dict[ProbeKey, int]:
    """Every pod's probe counts on ``node`` (raises the client's ApiException on 403)."""
    return parse_probe_counts(_node_proxy_text(core, node, "metrics/probes"))


def pod_pids_limit(core: CoreApi, node: str) -> int:
    """The node's kubelet podPidsLimit; 0 when there is none (-1 in the kubelet's terms)."""
    configz = json.loads(_node_proxy_text(core, node, "configz"))
    limit = int(configz.get("kubeletconfig", {}).get("podPidsLimit") or 0)
    return max(limit, 0)
