"""Server-side apply: the manifests as changed for this cluster, into the participant's namespace."""
import copy
from pathlib import Path
from typing import Iterable, List, Optional

from lab.core import json_types, settings
from lab.core.console import show_command
from lab.targets import manifests
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.clusters import registry_image
from lab.targets.kubernetes.kube_api import kube_call, kube_errors
from lab.targets.kubernetes.namespaces import ensure_namespace, namespace

FIELD_MANAGER = "redis-tini-lab"


def _default_protocols(body: json_types.Manifest) -> None:
    """Server-side apply on Kubernetes < 1.21 rejects a port without `protocol` ("associative
    list with keys has an element that omits key field protocol", fixed by kubernetes PR
    98576). TCP is the API's own default, so writing it changes nothing on newer clusters."""
    spec = body.get("spec", {})
    ports = list(spec.get("ports", []))  # a Service
    for container in spec.get("template", {}).get("spec", {}).get("containers", []):  # a Deployment
        ports += container.get("ports", [])
    for port in ports:
        port.setdefault("protocol", "TCP")


def for_cluster(manifest: manifests.Manifest, ns: str, registry: Optional[str] = None,
                shared: bool = False) -> json_types.Manifest:
    """The object to apply: in the participant's namespace, with the lab's label on it and its
    pods, ports with their protocol, and images from ``registry`` when one is named. On a
    ``shared`` cluster a NodePort would collide between participants (node ports are
    cluster-wide), so Services become ClusterIP and the webui is reached by port-forward."""
    body = copy.deepcopy(manifest.body)
    if shared and body.get("kind") == "Service" and body["spec"].get("type") == "NodePort":
        body["spec"]["type"] = "ClusterIP"
        for port in body["spec"].get("ports", []):
            port.pop("nodePort", None)
    _default_protocols(body)
    metadata = body.setdefault("metadata", {})
    metadata["namespace"] = ns
    metadata.setdefault("labels", {})[settings.LABEL] = settings.prefix()
    template = body.get("spec", {}).get("template")
    if template is not None:
        template.setdefault("metadata", {}).setdefault("labels", {})[settings.LABEL] = settings.prefix()
        if registry:
            for container in template["spec"]["containers"]:
                container["image"] = registry_image(container["image"], registry)
    return body


def apply(apis: Apis, paths: Iterable[Path], registry: Optional[str]) -> List[str]:
    """`kubectl apply --server-side -f k8s/`, into the participant's namespace."""
    paths = list(paths)
    objects = manifests.load(paths)
    with kube_errors("creating your namespace"):
        ensure_namespace(apis, namespace())  # first, as a person would: apply needs it
    shown = [manifests.shown_path(p) for p in paths] or ["k8s/"]
    shared = apis.cluster.shared
    if shared or registry:
        # Applied as changed for this cluster (ClusterIP for NodePort, the room's registry):
        # the file to type is that version, written to work/.
        as_applied = [manifests.Manifest(m.source, for_cluster(m, namespace(), registry, shared=shared))
                      for m in objects]
        shown = [manifests.shown_path(manifests.write_work_file(f"k8s-for-{namespace()}.yaml", as_applied))]
    show_command("kubectl", "apply", "--server-side", "-n", namespace(), "-f", *shown)
    return apply_manifests(apis, objects, registry)


@kube_call("applying the manifests")
def apply_manifests(apis: Apis, objects: List[manifests.Manifest], registry: Optional[str]) -> List[str]:
    ns = namespace()
    ensure_namespace(apis, ns)
    dynamic = apis.dynamic()
    results = []
    for manifest in objects:
        body = for_cluster(manifest, ns, registry, shared=apis.cluster.shared)
        resource = dynamic.resources.get(api_version=body["apiVersion"], kind=body["kind"])
        dynamic.server_side_apply(resource, body=body, namespace=ns, field_manager=FIELD_MANAGER,
                                  force_conflicts=True)
        results.append(f"{body['kind'].lower()}/{manifest.name} serverside-applied")
    for line in results:
        print(line)
    return results
