"""Point the learner's own `kubectl` at the lesson's cluster and namespace.

The lessons' `%%bash` cells run `kubectl apply -f work/k8s/` and friends exactly as a
person types them in a terminal at the repository root, with no `--context` or `-n`. So
before the first of them: the participant's namespace exists (the lab's, labelled), it is
the context's default namespace, the kernel's KUBECONFIG names the file that defines the
context, and that context is the file's current one. What a terminal needs for the same,
the lab prints.
"""

import os

from lab.core.console import show_shell
from lab.core.errors import LabError
from lab.targets.kubernetes.apis import Apis
from lab.targets.kubernetes.kube_api import kube_errors
from lab.targets.kubernetes.kube_context import context_namespace, current_context
from lab.targets.kubernetes.namespaces import ensure_namespace, namespace


def point_kubectl_here(apis: Apis) -> None:
    """The namespace made and made the default; KUBECONFIG set in this kernel; the lines a
    terminal needs printed; a LabError with the fix when kubectl would reach another cluster."""
    cluster, ns = apis.cluster, namespace()
    with kube_errors("creating your namespace"):
        ensure_namespace(apis, ns)  # also makes it the context's default namespace
    if cluster.kubeconfig:
        os.environ["KUBECONFIG"] = cluster.kubeconfig
    current = current_context(cluster.kubeconfig)
    if current != cluster.context:
        raise LabError(
            f"kubectl's current context is {current or 'not set'}, not the lesson's {cluster.context}. "
            f"Fix: kubectl config use-context {cluster.context}"
        )
    if context_namespace(cluster.context, cluster.kubeconfig) != ns:  # e.g. a kubeconfig the lab may not write
        raise LabError(
            f"kubectl's context {cluster.context} does not default to your namespace {ns}. "
            f"Fix: kubectl config set-context --current --namespace={ns}"
        )
    print(f"kubectl reaches context {cluster.context}, namespace {ns}: `kubectl get pods` lists your pods.")
    if cluster.kubeconfig:
        print("In a terminal (at the repository root), first:")
        show_shell(f"export KUBECONFIG={cluster.kubeconfig}")
