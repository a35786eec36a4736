"""The connection to a Kubernetes API server: every call bounded, every error one line.

The official client waits forever by default: a hung API server would hang a cell. Here
each REST call gets a request timeout unless it names its own, and websocket connections
(exec, port-forward) get one for their handshake and reads.
"""

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import (
    TYPE_CHECKING,
    Any,
    ParamSpec,
    TypeVar,
)

from lab.core.errors import LabError

if TYPE_CHECKING:
    from kubernetes.client import ApiClient
    from kubernetes.client.rest import RESTResponse

P = ParamSpec("P")
R = TypeVar("R")

# The client types its API classes and models, but declares every model field Optional,
# also those the API server always fills (a pod's metadata, status, name). The lab reads
# them as the server sends them, so to mypy its API handles and what they return are Any;
# what the lab makes of them (names, counts, PodLifetime, ExecResult) is typed.
CoreApi = Any  # kubernetes.client.CoreV1Api over the bounded client
AppsApi = Any  # kubernetes.client.AppsV1Api over the bounded client
KubeObject = Any  # what those return: a V1Pod, V1Deployment, CoreV1Event, V1Service...

REQUEST_TIMEOUT = (5, 30)  # seconds: connect, read (one API call; a watch names its own)
WEBSOCKET_TIMEOUT = 15  # seconds: exec and port-forward handshakes and reads


def new_client(context: str, kubeconfig: str | None = None) -> "ApiClient":
    """An ApiClient for a kubeconfig context, whose calls are bounded by REQUEST_TIMEOUT."""
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    class BoundedApiClient(client.ApiClient):
        def call_api(
            self,
            method: str,
            url: str,
            header_params: dict[str, Any] | None = None,
            body: Any = None,
            post_params: Any = None,
            _request_timeout: Any = None,
        ) -> "RESTResponse":
            return super().call_api(method, url, header_params, body, post_params, _request_timeout or REQUEST_TIMEOUT)

    configuration = client.Configuration()
    try:  # the client's kubeconfig loader has no annotations (its models and API classes do)
        config.load_kube_config(
            config_file=kubeconfig,
            context=context,  # type: ignore[no-untyped-call]
            client_configuration=configuration,
            persist_config=False,
        )
    except (ConfigException, FileNotFoundError, ValueError):
        raise LabError(
            f"no kubeconfig context {context}. Fix: 'kubectl config get-contexts' lists them; create "
            "the cluster first (kind: run lesson 0's cluster cell, or python -m lab cluster; stand-in: sudo scripts/k8s-standin.sh up)."
        ) from None
    # One attempt per call: urllib3 would otherwise retry a hung connection three more times.
    configuration.retries = 0
    _bound_websockets()
    return BoundedApiClient(configuration)


def _bound_websockets() -> None:
    """The client opens its websockets (exec, port-forward) as `WebSocket()` objects with no
    timeout at all, so a hung API server would block the handshake forever. Give the class
    it uses a timeout; its stream loops select() before they read, so idle streams are fine."""
    import websocket
    from kubernetes.stream import ws_client

    # ws_client's own name for the class it imports (not one it exports): replaced once.
    # getattr/setattr, not attribute access: mypy knows WebSocket is not exported (B009/B010).
    if getattr(getattr(ws_client, "WebSocket"), "lab_bounded", False):  # noqa: B009
        return

    class BoundedWebSocket(websocket.WebSocket):
        lab_bounded = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.settimeout(WEBSOCKET_TIMEOUT)

    setattr(ws_client, "WebSocket", BoundedWebSocket)  # noqa: B010


@contextlib.contextmanager
def kube_errors(action: str) -> Iterator[None]:
    """Translate what the Kubernetes client raises into a one-line, actionable LabError."""
    from kubernetes.client.exceptions import ApiException
    from kubernetes.dynamic.exceptions import DynamicApiError, ResourceNotFoundError
    from urllib3.exceptions import HTTPError
    from websocket import WebSocketException

    try:
        yield
    except LabError:
        raise
    except (ApiException, DynamicApiError) as error:
        # The client's websocket calls (exec, port-forward) turn everything into ApiException
        # with status 0, Ctrl-C included (kubernetes/stream/ws_client.py): an interrupt stays one.
        if isinstance(error.__context__, (KeyboardInterrupt, SystemExit)):
            raise error.__context__ from None
        status = getattr(error, "status", "?")
        if status == 0:  # the client's wrapper for a websocket that could not connect
            raise LabError(
                f"{action}: the cluster does not answer ({getattr(error, 'reason', '')[:120]}). "
                "Fix: is it running? 'kubectl get nodes' tells."
            ) from None
        reason = " ".join(str(getattr(error, "reason", "") or "").split())
        body = " ".join(str(getattr(error, "body", "") or "").split())[:200]
        hints: dict[object, str] = {
            401: "Fix: your credentials are not valid (any more: was the room deleted?); ask the instructor "
            "for a new kubeconfig.",
            403: "Fix: your account may not do this in that namespace; ask the cluster's admin.",
            409: "Fix: re-run the cell; if a namespace is being deleted, wait until it is gone.",
        }
        hint = hints.get(status, "")
        raise LabError(f"{action}: the API server said {status} {reason} {body} {hint}".strip()) from None
    except ResourceNotFoundError as error:
        raise LabError(f"{action}: {error}. Fix: check apiVersion and kind in the manifest.") from None
    except (HTTPError, OSError, WebSocketException) as error:
        raise LabError(
            f"{action}: the cluster does not answer ({type(error).__name__}, after at most "
            f"{REQUEST_TIMEOUT[0]}s to connect and {REQUEST_TIMEOUT[1]}s to reply). Fix: is it running? "
            "'kubectl get nodes' tells."
        ) from None


def kube_call(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function or method so it runs under kube_errors(action); its signature stays."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with kube_errors(action):
                return method(*args, **kwargs)

        return wrapper

    return decorate


def read_or_none(call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
    """``call(*args, **kwargs)``, or None when the API server answers 404 (the object is not
    there, or already gone): the one place the lab tells "absent" from a real error."""
    return call_or_none((404,), call, *args, **kwargs)


def call_or_none(statuses: tuple[int, ...], call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
    """``call(*args, **kwargs)``, or None when the API server answers one of ``statuses``
    (an answer the caller expects, such as 409 for a namespace already being deleted)."""
    from kubernetes.client.exceptions import ApiException

    try:
        return call(*args, **kwargs)
    except ApiException as error:
        if error.status in statuses:
            return None
        raise
