"""The docker target's translation of manifests, as a pure function, including its errors."""
import pytest
import yaml

import lab
from lab.targets import manifests
from lab.targets.docker.translate import SECOND, healthcheck_from_probe, translate

PLANS = {p.deployment: p for p in translate(manifests.load(), node_ports={30080: 8080})}

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis-tini-lab/redis:7.2.4-tini
"""


def manifest(text, source="test.yaml"):
    return manifests.parse(text, source)


def test_service_names_become_aliases_and_the_worker_has_none():
    assert {name: plan.aliases for name, plan in PLANS.items()} == {
        "redis": ["redis"], "rng": ["rng"], "hasher": ["hasher"], "webui": ["webui"], "worker": []}


def test_node_port_is_published_at_the_host_port_it_is_given():
    assert PLANS["webui"].ports == {80: 8080}
    assert all(not p.ports for name, p in PLANS.items() if name != "webui")


def test_by_default_a_node_port_is_published_at_its_own_number_not_at_kinds_host_port():
    """kind holds 127.0.0.1:8080 for its own mapping: the docker target must not need it."""
    default = {p.deployment: p for p in translate(manifests.load())}
    assert default["webui"].ports == {80: 30080}


def test_command_replaces_the_entrypoint_and_args_the_cmd():
    assert PLANS["rng"].entrypoint == ["python3", "-m", "dockercoins.rng"] and PLANS["rng"].command is None
    assert PLANS["redis"].entrypoint is None  # tini stays the entrypoint
    assert PLANS["redis"].command == ["redis-server", "--save", ""]


def test_exec_probe_becomes_an_exec_form_healthcheck_with_kubernetes_defaults():
    check = healthcheck_from_probe({"exec": {"command": ["redis-cli", "ping"]}})
    assert check == {"test": ["CMD", "redis-cli", "ping"], "interval": 10 * SECOND, "timeout": 1 * SECOND,
                     "retries": 3, "start_period": 0}
    check = healthcheck_from_probe({"exec": {"command": ["redis-cli", "ping"]}, "periodSeconds": 5,
                                    "timeoutSeconds": 2, "failureThreshold": 4, "initialDelaySeconds": 30})
    assert (check["interval"], check["timeout"], check["retries"], check["start_period"]) == \
        (5 * SECOND, 2 * SECOND, 4, 30 * SECOND)


def test_fingerprint_changes_only_with_the_spec():
    again = {p.deployment: p for p in translate(manifests.load(), node_ports={30080: 8080})}
    assert again["redis"].fingerprint() == PLANS["redis"].fingerprint()
    body = yaml.safe_load(DEPLOYMENT)
    body["spec"]["template"]["spec"]["containers"][0]["args"] = ["redis-server"]
    changed = translate([manifests.Manifest("x", body)], node_ports={})[0]
    assert changed.fingerprint() != translate(manifest(DEPLOYMENT), node_ports={})[0].fingerprint()


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(volumeMounts=[]),
     r"test.yaml: Deployment redis: field spec.template.spec.containers\[0\].volumeMounts is not supported on the docker target"),
    (lambda d: d["spec"].update(replicas=2), r"replicas: 2 is not supported on the docker target"),
    (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
        livenessProbe={"tcpSocket": {"port": 6379}}), r"field .*livenessProbe.tcpSocket is not supported"),
    (lambda d: d["spec"]["template"]["spec"]["containers"].append({"name": "b", "image": "x:1"}),
     r"one container per pod on the docker target, found 2"),
])
def test_unsupported_deployment_fields_are_named(edit, message):
    body = yaml.safe_load(DEPLOYMENT)
    edit(body)
    with pytest.raises(lab.LabError, match=message):
        translate([manifests.Manifest("test.yaml", body)], node_ports={})


def test_unsupported_kind_is_named():
    with pytest.raises(lab.LabError, match="kind ConfigMap is not supported on the docker target"):
        translate(manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), node_ports={})


@pytest.mark.parametrize("ports, message", [
    ("[{port: 80, targetPort: 8080}]", "targetPort 8080 is not supported on the docker target"),
    ("[{port: 80, nodePort: 30999}]", "nodePort 30999 is not published by kind-config.yaml"),
])
def test_service_ports_the_docker_target_cannot_do(ports, message):
    service = f"apiVersion: v1\nkind: Service\nmetadata: {{name: redis}}\nspec:\n  selector: {{app: redis}}\n  ports: {ports}\n"
    with pytest.raises(lab.LabError, match=message):
        translate(manifest(DEPLOYMENT) + manifest(service), node_ports={30080: 8080})


def test_selector_that_matches_nothing():
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: nope}\n  ports: [{port: 1}]\n"
    with pytest.raises(lab.LabError, match=r"selector \{'app': 'nope'\} matches no Deployment"):
        translate(manifest(DEPLOYMENT) + manifest(service), node_ports={})


def test_a_memory_limit_becomes_docker_run_memory():
    from lab.targets.docker.translate import translate
    from lab.targets.manifests import Manifest
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "m"},
            "spec": {"selector": {"matchLabels": {"app": "m"}}, "template": {
                "metadata": {"labels": {"app": "m"}},
                "spec": {"containers": [{"name": "redis", "image": "redis-tini-lab/redis:7.2.4-tini",
                                         "resources": {"requests": {"memory": "64Mi"},
                                                       "limits": {"memory": "384Mi"}}}]}}}}
    (plan,) = translate([Manifest("(test)", body)], node_ports={})
    assert plan.memory_limit == 384 * 2**20
