"""Reaching a Service from this machine (the lab's own port-forward), and its endpoints."""

import socket
import threading

from lab.core.console import show_command
from lab.core.errors import LabError
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import CoreApi, kube_call, new_client
from lab.targets.kubernetes.namespaces import namespace
from lab.targets.kubernetes.port_forward import PortForward


@kube_call("reading the Service")
def url(apis: Apis, forwards: dict[str, PortForward], service: str, port: int = 80) -> str:
    """The Service on this machine, through the lab's own port-forward (kept in ``forwards``):
    the same on every cluster, as `kubectl port-forward` is for the learner's browser."""
    return _port_forward(apis, forwards, service, port)


def _port_forward(apis: Apis, forwards: dict[str, PortForward], service: str, port: int) -> str:
    if service not in forwards:
        from kubernetes import client
        from kubernetes.stream import portforward

        ns, opening = namespace(), threading.Lock()
        # The Service port's target: the named or numbered container port behind `port`.
        spec_port = next(
            (p for p in apis.core().read_namespaced_service(service, ns).spec.ports if p.port == port), None
        )
        if spec_port is None:
            raise LabError(f"service {service} has no port {port}. Fix: check the port in its manifest.")
        wanted = spec_port.target_port if spec_port.target_port is not None else port
        forwarder_core: CoreApi = client.CoreV1Api(new_client(apis.cluster.context, apis.cluster.kubeconfig))

        @kube_call("opening a port-forward")
        def open_stream() -> socket.socket:
            # One connection at a time: the client switches itself into websocket mode
            # while it opens a stream, so no other call may use it meanwhile.
            with opening:
                endpoints = forwarder_core.read_namespaced_endpoints(service, ns)
                for subset in endpoints.subsets or []:
                    target = next((p.port for p in subset.ports or [] if wanted in (p.port, p.name)), None)
                    for address in subset.addresses or []:
                        if target is not None and address.target_ref is not None:
                            forward = portforward(
                                forwarder_core.connect_get_namespaced_pod_portforward,
                                address.target_ref.name,
                                ns,
                                ports=str(target),
                            )
                            stream: socket.socket = forward.socket(target)
                            return stream
            raise LabError(f"service {service} has no ready pod")

        forwards[service] = PortForward(open_stream)
        print(
            f"the lab forwards {forwards[service].url} to svc/{service} (through the API server). "
            "For your browser, in a terminal:"
        )
        show_command(
            "kubectl", "--context", apis.cluster.context, "port-forward", "-n", ns, f"svc/{service}", f"8080:{port}"
        )
        print("  then open http://127.0.0.1:8080")
    return forwards[service].url


@kube_call("reading endpoints")
def endpoints(apis: Apis, service: str, *, quiet: bool = False) -> list[str]:
    """`kubectl get endpoints`: the ready pod addresses behind a Service."""
    if not quiet:
        show_command("kubectl", "get", "endpoints", "-n", namespace(), service)
    found = apis.core().read_namespaced_endpoints(service, namespace())
    return [address.ip for subset in found.subsets or [] for address in subset.addresses or []]
