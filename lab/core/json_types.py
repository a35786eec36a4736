"""Names for the shapes the lab passes around as plain JSON-like data.

A KubeDict is what yaml.safe_load gives for one Kubernetes object (lab.targets.manifests.Manifest
is the dataclass that wraps one with its source); a row is one line of an
experiment's table. Both are dicts with string keys and mixed values, so they are typed
here once instead of as ``dict`` (which mypy --strict rightly refuses) in every module.
"""

from typing import Any

KubeDict = dict[str, Any]  # one Kubernetes object: {"apiVersion": ..., "kind": ..., ...}
KubeDicts = list[KubeDict]
Row = dict[str, Any]  # one row of a measurement, keyed by identifiers
JsonObject = dict[str, Any]  # any other JSON object: a probe, a healthcheck, an API answer
