"""Target choice and the kind target's pure parts (no cluster can run on this machine)."""
import pytest

import lab
from lab import manifests, settings
from lab.kubernetes_target import KindTarget, for_cluster


def test_target_can_be_forced(monkeypatch):
    monkeypatch.setenv("LAB_TARGET", "docker")
    assert lab.target_name() == "docker"
    monkeypatch.setenv("LAB_TARGET", "kind")
    assert lab.target_name() == "kind"


def test_auto_picks_kind_only_when_installed(monkeypatch, tmp_path):
    monkeypatch.delenv("LAB_TARGET", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert lab.target_name() == "docker"
    fake_kind = tmp_path / "kind"
    fake_kind.write_text("#!/bin/sh\n")
    fake_kind.chmod(0o755)
    assert lab.target_name() == "kind"


def test_unknown_target_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LAB_TARGET", "minikube")
    with pytest.raises(lab.LabError, match="LAB_TARGET='minikube' is not a target. Fix:"):
        lab.target_name()


def test_kind_missing_is_one_line_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(lab.LabError) as error:
        KindTarget()
    assert "kind is not installed. Fix:" in str(error.value) and "\n" not in str(error.value)


def test_objects_go_to_the_participants_namespace_with_the_lab_label(monkeypatch):
    monkeypatch.setenv("LAB_PREFIX", "alice")
    deployment = next(m for m in manifests.load() if m.kind == "Deployment" and m.name == "redis")
    body = for_cluster(deployment, "alice")
    assert body["metadata"]["namespace"] == "alice"
    assert body["metadata"]["labels"][settings.LABEL] == "alice"
    assert body["spec"]["template"]["metadata"]["labels"] == {"app": "redis", settings.LABEL: "alice"}
    assert settings.LABEL not in deployment.body["metadata"].get("labels", {})  # the source is untouched


def test_a_shared_cluster_takes_images_from_the_registry(monkeypatch):
    monkeypatch.setenv("LAB_PREFIX", "bob")
    for manifest in manifests.load():
        body = for_cluster(manifest, "bob", registry="registry.example.com/course", shared=True)
        assert body["metadata"]["namespace"] == "bob"
        for container in body.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            assert container["image"].startswith("registry.example.com/course/redis-tini-lab/")
            assert container["imagePullPolicy"] == "IfNotPresent"


def test_a_shared_cluster_has_no_node_ports_to_collide_on():
    webui = next(m for m in manifests.load() if m.kind == "Service" and m.name == "webui")
    shared = for_cluster(webui, "alice", shared=True)
    assert shared["spec"]["type"] == "ClusterIP" and "nodePort" not in shared["spec"]["ports"][0]
    own = for_cluster(webui, "alice")
    assert own["spec"]["type"] == "NodePort" and own["spec"]["ports"][0]["nodePort"] == 30080


def test_kube_context_selects_the_shared_cluster_target(monkeypatch):
    from lab.kubernetes_target import KubernetesTarget
    monkeypatch.setenv("LAB_KUBE_CONTEXT", "workshop")
    monkeypatch.setenv("LAB_REGISTRY", "registry.example.com/course")
    chosen = lab.target()
    assert isinstance(chosen, KubernetesTarget) and chosen.shared
    assert (chosen.context, chosen.registry) == ("workshop", "registry.example.com/course")


def test_registry_image_names():
    from lab.kubernetes_target import registry_image
    assert registry_image(settings.REDIS_TINI.tag, "registry.example.com/course/") == \
        "registry.example.com/course/redis-tini-lab/redis:7.2.4-tini"


def test_missing_context_is_a_clear_error(monkeypatch, tmp_path):
    from lab.kubernetes_target import KubernetesTarget
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    with pytest.raises(lab.LabError, match="no kubeconfig context workshop. Fix:"):
        KubernetesTarget("workshop").api()
