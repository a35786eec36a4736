"""The room's objects and kubeconfigs, without a cluster: valid Kubernetes, rights that
cover what the lessons do and nothing cluster-scoped, names checked before anything runs.
(tests/kubernetes/test_room.py proves the rights on a real API server.)"""

import stat

import pytest
import yaml

from lab import LabError
from lab.core import settings
from lab.targets import manifests
from lab.workshop import room_kubeconfig, room_objects


def test_every_object_is_valid_kubernetes_in_the_participants_namespace():
    objects = room_objects.namespaced_objects("room", "ada", {"node-1": 32}, ["10.244.0.1"])
    namespace = room_objects.namespace("room", "ada")
    for body in [namespace, *objects]:
        manifests.validate(manifests.Manifest(body=body, source="room"))
        assert body["metadata"]["labels"].items() >= {settings.LABEL: "ada", settings.ROOM_LABEL: "room"}.items()
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "baseline"
    assert room_objects.QUOTA["services.nodeports"] == "0"
    assert {body["metadata"]["namespace"] for body in objects} == {"ada"}
    assert {body["kind"] for body in objects} == {
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ResourceQuota",
        "LimitRange",
        "NetworkPolicy",
        "ConfigMap",
        "Secret",
    }
    quota = next(b for b in objects if b["kind"] == "ResourceQuota")["spec"]["hard"]
    limits = next(b for b in objects if b["kind"] == "LimitRange")["spec"]["limits"][0]
    assert "requests.ephemeral-storage" in quota and "ephemeral-storage" in limits["defaultRequest"]


def test_the_network_policy_admits_the_namespace_the_nodes_and_dns_only():
    spec = room_objects.network_policy(["10.244.0.1"])
    assert spec["podSelector"] == {} and spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["ingress"] == [{"from": [{"podSelector": {}}, {"ipBlock": {"cidr": "10.244.0.1/32"}}]}]
    same_namespace, dns = spec["egress"]
    assert same_namespace == {"to": [{"podSelector": {}}]}
    assert {port["port"] for port in dns["ports"]} == {53}


def test_the_isolation_checks_are_valid_objects_each_with_a_fix():
    from lab.workshop import room_isolation

    assert len(room_isolation.HOLES) == 6
    for hole in room_isolation.HOLES:
        manifests.validate(manifests.Manifest(body=room_isolation.body(hole, "ada"), source=hole.name))
        assert hole.fix


def test_the_role_covers_what_the_lessons_call_and_nothing_cluster_wide():
    granted = {
        (group, resource, verb)
        for rule in room_objects.PARTICIPANT_RULES
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }
    needed = [
        ("apps", "deployments", "patch"),
        ("apps", "replicasets", "deletecollection"),
        ("", "pods", "deletecollection"),
        ("", "pods/exec", "create"),
        ("", "pods/log", "get"),
        ("", "pods/portforward", "create"),
        ("", "services/proxy", "get"),
        ("", "endpoints", "get"),
        ("", "events", "list"),
        ("", "configmaps", "create"),
        ("", "configmaps", "patch"),
    ]
    assert [need for need in needed if need not in granted] == []
    assert not {resource for _, resource, _ in granted} & {
        "namespaces",
        "nodes",
        "nodes/proxy",
        "roles",
        "rolebindings",
        "resourcequotas/status",
        "secrets",
    }
    assert not any(
        verb not in ("get", "list", "watch") and resource in ("resourcequotas", "limitranges")
        for _, resource, verb in granted
    )


def test_participant_names():
    assert room_objects.participant_names(3) == ["p1", "p2", "p3"]
    assert room_objects.participant_names(names="ada, bob") == ["ada", "bob"]
    for bad, message in (
        (dict(count=0), "--participants N"),
        (dict(names="Ada"), "not valid"),
        (dict(names="ada-"), "not first or last"),
        (dict(names="ada,ada"), "repeat"),
        (dict(names=""), "names nobody"),
        (dict(names=" , "), "names nobody"),
        (dict(names="ada\n"), None),
        (dict(names="ada!"), "not valid"),
        (dict(count=room_objects.MAX_PARTICIPANTS + 1), "1 to 50"),
        (dict(names=",".join(f"p{n}" for n in range(51))), "at most 50"),
    ):
        if message is None:  # a trailing newline is stripped as space, like ' ada'
            assert room_objects.participant_names(**bad) == ["ada"]
            continue
        with pytest.raises(LabError, match=message):
            room_objects.participant_names(**bad)


def test_a_participant_kubeconfig_is_private_and_names_their_namespace(tmp_path):
    admin = tmp_path / "admin.kubeconfig"
    (tmp_path / "ca.crt").write_bytes(b"CA")
    admin.write_text(
        yaml.safe_dump(
            {
                "clusters": [
                    {"name": "c", "cluster": {"server": "https://127.0.0.1:6443", "certificate-authority": "ca.crt"}}
                ],
                "contexts": [{"name": "admin", "context": {"cluster": "c", "user": "u"}}],
                "users": [],
            }
        )
    )
    server, ca = room_kubeconfig.cluster_entry("admin", str(admin))
    assert (server, ca) == ("https://127.0.0.1:6443", "Q0E=")
    path = tmp_path / "room" / "ada.kubeconfig"
    room_kubeconfig.write_private(
        path,
        room_kubeconfig.participant_kubeconfig(
            server=server, ca_data=ca, token="t0ken", context_name="room-ada", namespace="ada"
        ),
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = yaml.safe_load(path.read_text())
    assert written["current-context"] == "room-ada"
    assert written["contexts"][0]["context"]["namespace"] == "ada"
    with pytest.raises(LabError, match="no context nope"):
        room_kubeconfig.cluster_entry("nope", str(admin))


@pytest.mark.parametrize("prefix", ["alice\n", "alice!", "-alice", "a" * 21, ""])
def test_a_prefix_must_match_whole(prefix, monkeypatch):
    """`$` would let "alice\\n" through; the prefix names a namespace and containers."""
    monkeypatch.setenv("LAB_PREFIX", prefix)
    with pytest.raises(LabError, match="LAB_PREFIX"):
        settings.prefix()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("3", "3"),
        ("\x1b[2J\x1b[31mowned", "?[2J?[31mowned"),  # no escape sequence reaches the terminal
        ("x" * 100, "x" * 21 + "..."),  # bounded
        (7, "7"),
    ],
)
def test_room_status_shows_participant_values_escaped_and_bounded(value, expected):
    from lab.workshop.room import shown

    assert shown(value) == expected


def test_a_room_needs_a_name_of_its_own(capsys):
    """No default room name: two instructors on one cluster who both kept it would share
    the same participants' namespaces."""
    from lab.__main__ import parse as parse_args

    with pytest.raises(SystemExit):
        parse_args(["room", "create", "--participants", "2"])
    assert "required: --room" in capsys.readouterr().err
    assert parse_args(["room", "--room", "ws-ada", "status"]).room == "ws-ada"
