"""Target choice and the Kubernetes target's pure parts (what it sends to a cluster)."""

import os

import pytest

import lab
from lab.core import settings
from lab.targets import manifests
from lab.targets.kubernetes import clusters
from lab.targets.kubernetes.kubernetes_here import NONE_HERE
from lab.targets.kubernetes.target import for_cluster, kind_target


@pytest.fixture(autouse=True)
def no_retired_variable(monkeypatch):
    monkeypatch.delenv("LAB_KUBERNETES", raising=False)  # set, it is an error of its own (tested below)


@pytest.fixture
def no_standin(monkeypatch, tmp_path):
    monkeypatch.setattr(clusters, "STANDIN_KUBECONFIG", tmp_path / "no-standin-kubeconfig")
    monkeypatch.setattr(clusters, "STANDIN_APISERVER_PID", tmp_path / "no-standin-pid")


@pytest.fixture
def auto(monkeypatch):
    """LAB_TARGET unset (and the retired LAB_KUBERNETES): the lab decides."""
    monkeypatch.delenv("LAB_TARGET", raising=False)
    monkeypatch.delenv("LAB_KUBERNETES", raising=False)


def no_kubernetes_here() -> str:
    with pytest.raises(lab.LabError) as error:
        lab.target_name()
    return str(error.value)


def test_target_can_be_forced(monkeypatch):
    monkeypatch.setenv("LAB_TARGET", "kind")
    assert lab.target_name() == "kind"
    monkeypatch.setenv("LAB_TARGET", "standin")
    assert lab.target_name() == "standin"


def test_the_docker_target_is_gone_and_the_error_says_how_to_get_kubernetes(monkeypatch):
    monkeypatch.setenv("LAB_TARGET", "Docker")
    with pytest.raises(lab.LabError) as error:
        lab.target()
    message = str(error.value)
    assert message.startswith("LAB_TARGET=docker is gone: lessons 3-6 need Kubernetes. Fix: unset LAB_TARGET")
    assert "install kind" in message and "scripts/k8s-standin.sh up" in message and "\n" not in message


def test_auto_picks_kind_only_when_installed(monkeypatch, tmp_path, no_standin, auto):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert no_kubernetes_here() == NONE_HERE
    fake_kind = tmp_path / "kind"
    fake_kind.write_text("#!/bin/sh\n")
    fake_kind.chmod(0o755)
    assert lab.target_name() == "kind"


def test_no_kubernetes_is_one_line_with_every_way_to_get_one(monkeypatch, tmp_path, no_standin, auto):
    monkeypatch.setenv("PATH", str(tmp_path))
    message = no_kubernetes_here()
    assert message.startswith("no Kubernetes for lessons 3-6. Fix: install kind (https://kind.sigs.k8s.io/")
    assert (
        "open the devcontainer" in message
        and "as root on Debian, start the stand-in: scripts/k8s-standin.sh up" in message
        and "\n" not in message
    )


def test_auto_picks_the_standin_when_it_is_up_and_kind_is_not_installed(monkeypatch, tmp_path, auto):
    """Up means: its kubeconfig is there and its API server runs (after a reboot the state
    folder is still there, but nothing runs)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    kubeconfig, pid = tmp_path / "kubeconfig", tmp_path / "kube-apiserver.pid"
    monkeypatch.setattr(clusters, "STANDIN_KUBECONFIG", kubeconfig)
    monkeypatch.setattr(clusters, "STANDIN_APISERVER_PID", pid)
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    assert no_kubernetes_here() == NONE_HERE  # no API server
    pid.write_text("999999999")
    assert no_kubernetes_here() == NONE_HERE  # a stale PID
    pid.write_text(str(os.getpid()))  # a running process
    assert lab.target_name() == "standin"


def test_lab_target_wins_over_what_is_installed(monkeypatch, tmp_path, no_standin):
    """One variable for the notebooks and the tests: LAB_TARGET, when set, is the answer."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("LAB_TARGET", "standin")
    assert lab.target_name() == "standin"


def test_the_retired_variable_says_what_replaces_it(monkeypatch):
    monkeypatch.setenv("LAB_KUBERNETES", "kind")
    with pytest.raises(
        lab.LabError, match="^LAB_KUBERNETES is gone: .* Fix: unset LAB_KUBERNETES and set LAB_TARGET=kind"
    ):
        lab.target_name()


def test_unknown_target_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LAB_TARGET", "minikube")
    with pytest.raises(lab.LabError, match="LAB_TARGET='minikube' is not a target. Fix:"):
        lab.target_name()


def test_kind_missing_is_one_line_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(lab.LabError) as error:
        kind_target()
    assert "kind is not installed. Fix:" in str(error.value) and "\n" not in str(error.value)


def test_objects_go_to_the_participants_namespace_with_the_lab_label(monkeypatch):
    monkeypatch.setenv("LAB_PREFIX", "alice")
    deployment = next(m for m in manifests.load() if m.kind == "Deployment" and m.name == "redis")
    body = for_cluster(deployment, "alice")
    assert body["metadata"]["namespace"] == "alice"
    assert body["metadata"]["labels"][settings.LABEL] == "alice"
    assert body["spec"]["template"]["metadata"]["labels"] == {
        "app": "redis",
        settings.PART_OF[0]: settings.PART_OF[1],
        settings.LABEL: "alice",
    }
    assert settings.LABEL not in deployment.body["metadata"].get("labels", {})  # the source is untouched


def test_every_port_gets_its_protocol_for_server_side_apply_on_kubernetes_before_1_21():
    for manifest in manifests.load():
        body = for_cluster(manifest, "alice")
        ports = body["spec"].get("ports", []) + [
            port
            for container in body["spec"].get("template", {}).get("spec", {}).get("containers", [])
            for port in container.get("ports", [])
        ]
        assert all(port["protocol"] == "TCP" for port in ports), manifest.name


def test_a_port_without_protocol_gets_it_in_a_copy():
    """A learner's manifest may omit it; the lab adds it to what it sends, not to the file."""
    service = manifests.Manifest(
        "svc.yaml",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "s"},
            "spec": {"selector": {"app": "s"}, "ports": [{"port": 80}]},
        },
    )
    assert for_cluster(service, "alice")["spec"]["ports"] == [{"port": 80, "protocol": "TCP"}]
    assert service.body["spec"]["ports"] == [{"port": 80}]


def test_the_course_manifests_write_their_protocol_so_the_printed_apply_works_on_kubernetes_1_20():
    """`kubectl apply --server-side -f k8s/`, typed by a person, goes through no lab code."""
    for manifest in manifests.load():
        spec = manifest.body["spec"]
        ports = spec.get("ports", []) + [
            port
            for container in spec.get("template", {}).get("spec", {}).get("containers", [])
            for port in container.get("ports", [])
        ]
        assert all(port.get("protocol") == "TCP" for port in ports), manifest.name


def test_a_shared_cluster_takes_images_from_the_registry(monkeypatch):
    monkeypatch.setenv("LAB_PREFIX", "bob")
    for manifest in manifests.load():
        body = for_cluster(manifest, "bob", registry="registry.example.com/course")
        assert body["metadata"]["namespace"] == "bob"
        for container in body.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            assert container["image"].startswith("registry.example.com/course/")
            assert container["imagePullPolicy"] == "IfNotPresent"


def test_no_service_has_a_node_port_to_collide_on_in_a_room():
    """The learner applies k8s/ as it is, on any cluster: node ports are cluster-wide, and a
    room's quota refuses them; the webui is reached by port-forward."""
    for service in (m for m in manifests.load() if m.kind == "Service"):
        assert service.body["spec"].get("type", "ClusterIP") == "ClusterIP", service.name
        assert not any("nodePort" in port for port in service.body["spec"]["ports"]), service.name


def test_kube_context_selects_the_shared_cluster_target(monkeypatch):
    from lab.targets.kubernetes.target import KubernetesTarget

    monkeypatch.setenv("LAB_KUBE_CONTEXT", "workshop")
    monkeypatch.setenv("LAB_REGISTRY", "registry.example.com/course")
    chosen = lab.target()
    assert isinstance(chosen, KubernetesTarget) and chosen.shared
    assert (chosen.context, chosen.registry) == ("workshop", "registry.example.com/course")


def test_registry_image_names():
    from lab.targets.kubernetes.clusters import registry_image

    assert (
        registry_image(settings.REDIS_TINI.tag, "registry.example.com/course/")
        == "registry.example.com/course/redis-tini-lab/redis:7.2.4-tini"
    )


def test_missing_context_is_a_clear_error(monkeypatch, tmp_path):
    from lab.targets.kubernetes.target import shared_target

    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    with pytest.raises(lab.LabError, match="no kubeconfig context workshop. Fix:"):
        shared_target("workshop").api()


def test_a_standin_that_is_not_up_is_a_clear_error(no_standin):
    from lab.targets.kubernetes.target import standin_target

    with pytest.raises(lab.LabError, match="the Kubernetes stand-in is not up. Fix: sudo scripts/k8s-standin.sh up"):
        standin_target().api()
