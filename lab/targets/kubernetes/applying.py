"""Server-side apply: the manifests as changed for this cluster, into the participant's namespace."""

import copy
from collections.abc import Iterable
from pathlib import Path

from lab.core import json_types, settings
from lab.core.console import show_command
from lab.targets import manifests
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.clusters import registry_image
from lab.targets.kubernetes.kube_api import kube_call, kube_errors
from lab.targets.kubernetes.namespaces import ensure_namespace, namespace

FIELD_MANAGER = "redis-tini-lab"


def _default_protocols(body: json_types.KubeDict) -> None:
    """Server-side apply on Kubernetes < 1.21 rejects a port without `protocol` ("associative
    list with keys has an element that omits key field protocol", fixed by kubernetes PR
    98576). TCP is the API's own default, so writing it changes nothing on newer clusters."""
    spec = body.get("spec", {})
    ports = list(spec.get("ports", []))  # a Service
    for container in spec.get("template", {}).get("spec", {}).get("containers", []):  # a Deployment
        ports += container.get("ports", [])
    for port in ports:
        port.setdefault("protocol", "TCP")


def _label(metadata: json_types.KubeDict) -> None:
    """The course's label (how the lab finds its objects in the namespace) and the participant's."""
    labels = metadata.setdefault("labels", {})
    labels[settings.PART_OF[0]] = settings.PART_OF[1]
    labels[settings.LABEL] = settings.prefix()


def for_cluster(manifest: manifests.Manifest, ns: str, registry: str | None = None) -> json_types.KubeDict:
    """The object to apply: in the participant's namespace, with the course's and the
    participant's labels on it and its pods, ports with their protocol, and images from
    ``registry`` when one is named."""
    body = copy.deepcopy(manifest.body)
    _default_protocols(body)
    metadata = body.setdefault("metadata", {})
    metadata["namespace"] = ns
    _label(metadata)
    template = body.get("spec", {}).get("template")
    if template is not None:
        _label(template.setdefault("metadata", {}))
        if registry:
            for container in template["spec"]["containers"]:
                container["image"] = registry_image(container["image"], registry)
    return body


def apply(apis: Apis, paths: Iterable[Path], registry: str | None) -> list[str]:
    """`kubectl apply --server-side -f k8s/`, into the participant's namespace."""
    paths = list(paths)
    objects = manifests.load(paths)
    with kube_errors("creating your namespace"):
        ensure_namespace(apis, namespace())  # first, as a person would: apply needs it
    shown = [manifests.shown_path(p) for p in paths] or ["k8s/"]
    if registry:
        # Applied as changed for this cluster (the room's registry): the file to type is that
        # version, written to work/.
        as_applied = [manifests.Manifest(m.source, for_cluster(m, namespace(), registry)) for m in objects]
        shown = [manifests.shown_path(manifests.write_work_file(f"k8s-for-{namespace()}.yaml", as_applied))]
    # Exactly what apply_manifests does: the lab's field manager, taking fields over from any other
    show_command(
        "kubectl",
        "apply",
        "--server-side",
        f"--field-manager={FIELD_MANAGER}",
        "--force-conflicts",
        "-n",
        namespace(),
        "-f",
        *shown,
    )
    return apply_manifests(apis, objects, registry)


@kube_call("applying the manifests")
def apply_manifests(apis: Apis, objects: list[manifests.Manifest], registry: str | None) -> list[str]:
    ns = namespace()
    ensure_namespace(apis, ns)
    dynamic = apis.dynamic()
    results = []
    for manifest in objects:
        body = for_cluster(manifest, ns, registry)
        resource = dynamic.resources.get(api_version=body["apiVersion"], kind=body["kind"])
        dynamic.server_side_apply(resource, body=body, namespace=ns, field_manager=FIELD_MANAGER, force_conflicts=True)
        results.append(f"{body['kind'].lower()}/{manifest.name} serverside-applied")
    for line in results:
        print(line)
    return results
