"""The lab sets its namespace in the learner's kubeconfig context (lab/targets/kubernetes/kube_context.py), as
`kubectl config set-context CONTEXT --namespace NS` would: only that context, in the file
that defines it, keeping the file's mode; once."""

import os

import pytest
import yaml

from lab.targets.kubernetes import kube_context


@pytest.fixture(autouse=True)
def a_new_kernel():
    """What a kernel settled is remembered (lab/targets/kubernetes/kube_context.py reads the file once)."""
    kube_context._done.clear()


def kubeconfig(path, *contexts):
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [],
                "users": [],
                "contexts": [{"name": name, "context": {"cluster": name, "user": name}} for name in contexts],
            }
        )
    )
    os.chmod(path, 0o600)
    return path


def namespaces(path):
    return {c["name"]: c["context"].get("namespace") for c in yaml.safe_load(path.read_text())["contexts"]}


def test_sets_the_namespace_of_that_context_only_and_says_so(tmp_path, capsys):
    path = kubeconfig(tmp_path / "config", "kind-redis-tini-lab", "production")
    assert kube_context.set_namespace("kind-redis-tini-lab", "lab", str(path))
    assert namespaces(path) == {"kind-redis-tini-lab": "lab", "production": None}
    assert os.stat(path).st_mode & 0o777 == 0o600
    out = capsys.readouterr().out
    assert f"$ kubectl config set-context kind-redis-tini-lab --namespace=lab --kubeconfig={path}" in out
    assert "kubectl get pods" in out


def test_once_only(tmp_path, capsys):
    path = kubeconfig(tmp_path / "config", "kind-redis-tini-lab")
    kube_context.set_namespace("kind-redis-tini-lab", "lab", str(path))
    capsys.readouterr()
    assert not kube_context.set_namespace("kind-redis-tini-lab", "lab", str(path))
    assert capsys.readouterr().out == ""


def test_the_file_of_kubeconfig_that_defines_the_context(tmp_path, monkeypatch):
    first = kubeconfig(tmp_path / "a", "other")
    second = kubeconfig(tmp_path / "b", "kind-redis-tini-lab")
    monkeypatch.setenv("KUBECONFIG", f"{first}{os.pathsep}{second}")
    assert kube_context.set_namespace("kind-redis-tini-lab", "alice")
    assert namespaces(first) == {"other": None}
    assert namespaces(second) == {"kind-redis-tini-lab": "alice"}


def test_a_context_no_file_defines_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    assert not kube_context.set_namespace("kind-redis-tini-lab", "lab")


def test_the_current_context_and_a_contexts_namespace_are_read_as_kubectl_reads_them(tmp_path):
    """What point_kubectl_here checks before the learner's first `kubectl` cell."""
    path = kubeconfig(tmp_path / "config", "lab-standin", "production")
    assert kube_context.current_context(str(path)) is None
    config = yaml.safe_load(path.read_text())
    config["current-context"] = "lab-standin"
    path.write_text(yaml.safe_dump(config))
    assert kube_context.current_context(str(path)) == "lab-standin"
    assert kube_context.context_namespace("lab-standin", str(path)) is None
    kube_context.set_namespace("lab-standin", "alice", str(path))
    assert kube_context.context_namespace("lab-standin", str(path)) == "alice"
    assert kube_context.context_namespace("not-there", str(path)) is None
