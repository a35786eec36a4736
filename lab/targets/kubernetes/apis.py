"""A Kubernetes target's API handles: one bounded client for its cluster, made on first use."""

from typing import TYPE_CHECKING

from lab.core.errors import LabError
from lab.targets.kubernetes.clusters import Cluster
from lab.targets.kubernetes.kube_api import AppsApi, CoreApi, KubeObject, new_client

if TYPE_CHECKING:
    from kubernetes.client import ApiClient


class Apis:
    """The API client for ``cluster``'s kubeconfig context, made when a call first needs it
    (a cluster that does not exist yet is then a one-line error saying how to make it)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._client: ApiClient | None = None

    def client(self) -> "ApiClient":
        if self._client is None:
            try:
                self._client = new_client(self.cluster.context, self.cluster.kubeconfig)
            except LabError:
                raise LabError(self.cluster.missing()) from None
        return self._client

    def forget(self) -> None:
        """Make a new client on the next call (a cluster just created has a new kubeconfig entry)."""
        self._client = None

    def core(self) -> CoreApi:
        from kubernetes import client

        return client.CoreV1Api(self.client())

    def apps(self) -> AppsApi:
        from kubernetes import client

        return client.AppsV1Api(self.client())

    def dynamic(self) -> KubeObject:
        """A DynamicClient (it reads the API server's discovery first): apply for any kind."""
        from kubernetes.dynamic import DynamicClient

        return DynamicClient(self.client())  # type: ignore[no-untyped-call]  # the client leaves it unannotated
