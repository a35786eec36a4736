"""A workshop room on the real API server and its RBAC: each participant's credentials
reach their own namespace and nothing else, `lab reset` and `room delete` touch only what
the lab labelled for whom they name, and the quota stops a runaway in one namespace only.

Every denial is also tried as an allowed action in the participant's own namespace, so a
test that only ever saw 403s (say, from a broken token) would fail instead of passing."""

import os
import subprocess
import sys

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream

import lab
from lab.core import settings
from lab.core.waiting import wait_until
from lab.targets.kubernetes.kube_api import new_client
from lab.workshop import room_isolation, room_objects
from lab.workshop.room import Room, RoomNotIsolated

ARTIFACTS = settings.REPO_ROOT / "tests" / "artifacts"
A, B = "iso-a", "iso-b"
BYSTANDER = "iso-bystander"  # a namespace the lab did not make


@pytest.fixture(scope="module")
def room(kube_target_name):
    from lab.targets.kubernetes.kubernetes_here import context_and_kubeconfig

    context, kubeconfig = context_and_kubeconfig(kube_target_name)
    with pytest.MonkeyPatch.context() as patch:  # the images on the nodes, as an instructor does first
        patch.setenv("LAB_TARGET", kube_target_name)
        lab.target().prepare([lab.build_image(spec, quiet=True) for spec in settings.ALL_IMAGES])
    made = Room("iso", context, kubeconfig)
    made.create([A, B], accept_risk=kube_target_name != "standin")  # kind: externalIPs, see below
    yield made
    made.delete()
    _admin_core(made).delete_namespace(BYSTANDER, _preload_content=False) if _exists(made, BYSTANDER) else None


def _admin_core(room) -> client.CoreV1Api:
    return client.CoreV1Api(room.api())


def _exists(room, namespace: str) -> bool:
    try:
        _admin_core(room).read_namespace(namespace)
        return True
    except ApiException as error:
        if error.status == 404:
            return False
        raise


def _participant_api(room, name):
    return new_client(f"{room.name}-{name}", str(room.folder / f"{name}.kubeconfig"))


def _sleeper(name: str, replicas: int = 1, owner: str = "tests") -> client.V1Deployment:
    """A small deployment of the lab's own redis image (on every node already), sleeping,
    labelled as the course's objects are (what the lab's reset finds in ``owner``'s namespace)."""
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(
            name=name, labels={settings.LABEL: owner, settings.PART_OF[0]: settings.PART_OF[1]}
        ),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(
                    termination_grace_period_seconds=0,
                    containers=[
                        client.V1Container(
                            name="sleeper",
                            image=settings.REDIS_TINI.tag,
                            image_pull_policy="IfNotPresent",
                            command=["sleep", "3600"],
                        )
                    ],
                ),
            ),
        ),
    )


def _node_port() -> client.V1Service:
    """Node ports are cluster-wide: the room's quota allows none."""
    return client.V1Service(
        metadata=client.V1ObjectMeta(name="grab-a-port"),
        spec=client.V1ServiceSpec(
            type="NodePort", selector={"app": "sleeper"}, ports=[client.V1ServicePort(port=80, protocol="TCP")]
        ),
    )


def _running_pod(core, namespace: str, app: str) -> str:
    def running():
        pods = [
            pod
            for pod in core.list_namespaced_pod(namespace, label_selector=f"app={app}").items
            if pod.status.phase == "Running"
        ]
        return pods[0].metadata.name if pods else None

    return wait_until(running, timeout=90, interval=0.5, what=f"a running {app} pod in {namespace}")


def _attempt(call) -> str:
    """What the API server answered: "allowed" or the HTTP status it refused with."""
    try:
        call()
        return "allowed"
    except ApiException as error:
        if error.status == 0 and "Handshake status 403" in str(error.reason):  # exec's websocket refused
            return "403 Forbidden (websocket handshake)"
        return f"{error.status} {error.reason}"


def _exec(core, namespace, pod):
    output = stream(
        core.connect_get_namespaced_pod_exec,
        pod,
        namespace,
        command=["echo", "in"],
        stderr=True,
        stdout=True,
        stdin=False,
        tty=False,
        _request_timeout=15,
    )
    assert output.strip() == "in"


def test_a_participant_reaches_their_own_namespace_and_nothing_else(room, kube_target_name):
    a_core, b_core = client.CoreV1Api(_participant_api(room, A)), client.CoreV1Api(_participant_api(room, B))
    a_apps, b_apps = client.AppsV1Api(_participant_api(room, A)), client.AppsV1Api(_participant_api(room, B))
    for apps, namespace in ((a_apps, A), (b_apps, B)):
        apps.create_namespaced_deployment(namespace, _sleeper("sleeper"))
    a_pod, b_pod = _running_pod(a_core, A, "sleeper"), _running_pod(b_core, B, "sleeper")

    attempts = {
        ("list pods", "own"): _attempt(lambda: a_core.list_namespaced_pod(A)),
        ("list pods", "other"): _attempt(lambda: a_core.list_namespaced_pod(B)),
        ("exec into a pod", "own"): _attempt(lambda: _exec(a_core, A, a_pod)),
        ("exec into a pod", "other"): _attempt(lambda: _exec(a_core, B, b_pod)),
        ("read pod logs", "own"): _attempt(lambda: a_core.read_namespaced_pod_log(a_pod, A)),
        ("read pod logs", "other"): _attempt(lambda: a_core.read_namespaced_pod_log(b_pod, B)),
        ("read ConfigMaps", "own"): _attempt(lambda: a_core.list_namespaced_config_map(A)),
        ("read ConfigMaps", "other"): _attempt(lambda: a_core.list_namespaced_config_map(B)),
        ("create a NodePort Service", "own"): _attempt(lambda: a_core.create_namespaced_service(A, _node_port())),
        ("create a deployment", "other"): _attempt(
            lambda: a_apps.create_namespaced_deployment(B, _sleeper("intruder"))
        ),
        ("delete a pod", "other"): _attempt(lambda: a_core.delete_namespaced_pod(b_pod, B)),
        ("delete a pod", "own"): _attempt(lambda: a_core.delete_namespaced_pod(a_pod, A, grace_period_seconds=0)),
        ("list namespaces", "cluster"): _attempt(lambda: a_core.list_namespace()),
        ("delete a namespace", "other"): _attempt(lambda: a_core.delete_namespace(B)),
        ("delete own namespace", "own"): _attempt(lambda: a_core.delete_namespace(A)),
        ("read nodes", "cluster"): _attempt(lambda: a_core.list_node()),
        ("change own quota", "own"): _attempt(lambda: a_core.delete_namespaced_resource_quota("room-quota", A)),
    }
    table = "\n".join(f"{what:28} {where:8} {answer}" for (what, where), answer in attempts.items())
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "room-isolation.txt").write_text(f"participant {A}'s credentials ({kube_target_name}):\n{table}\n")
    print(table)
    for (what, where), answer in attempts.items():
        allowed = where == "own" and what not in (
            "delete own namespace",
            "change own quota",
            "create a NodePort Service",
        )
        assert (answer == "allowed") == allowed, f"{what} in {where} namespace: {answer}\n{table}"
        if not allowed:
            assert answer.startswith("403"), f"{what} in {where}: {answer}"
    assert [pod.metadata.name for pod in b_core.list_namespaced_pod(B).items] == [b_pod], "B's pod was touched"


def test_a_participant_cannot_run_a_privileged_pod(room):
    """Pod Security Admission (1.23+) enforces the room's baseline label; on Kubernetes 1.20
    (the CI stand-in) its PodSecurityPolicy does: either way the API server answers 403, so
    there is no way onto the node and from there into the others' namespaces."""
    labels = _admin_core(room).read_namespace(A).metadata.labels
    assert labels.get("pod-security.kubernetes.io/enforce") == "baseline"
    privileged = client.V1Pod(
        metadata=client.V1ObjectMeta(name="root-on-the-node"),
        spec=client.V1PodSpec(
            containers=[
                client.V1Container(
                    name="c",
                    image=settings.REDIS_TINI.tag,
                    command=["sleep", "1"],
                    security_context=client.V1SecurityContext(privileged=True),
                )
            ]
        ),
    )
    answer = _attempt(
        lambda: client.CoreV1Api(_participant_api(room, A)).create_namespaced_pod(A, privileged, dry_run="All")
    )
    assert answer.startswith("403"), f"a privileged pod in a room namespace: {answer}"


def test_a_participant_is_refused_every_way_out_of_their_namespace(room, kube_target_name):
    """Privileged, hostPath, hostPID and hostNetwork pods, a NodePort and an externalIPs
    Service, as server-side dry-runs with the participant's own credentials. On the
    stand-in (1.20) its PodSecurityPolicy, the room's quota, --allow-privileged off and its
    webhook refuse all six; on kind, Pod Security Admission and the quota refuse five, and
    externalIPs needs DenyServiceExternalIPs, which kind does not enable by itself."""
    holes = room.holes_open(A)
    if kube_target_name == "standin":
        assert holes == [], holes
    else:
        assert all("externalIPs" in hole for hole in holes), holes
    policy = client.NetworkingV1Api(room.api()).read_namespaced_network_policy(room_objects.NETWORK_POLICY, A)
    assert policy.spec.policy_types == ["Ingress", "Egress"]  # on the API server (the stand-in's CNI
    quota = _admin_core(room).read_namespaced_resource_quota("room-quota", A).spec.hard  # does not enforce it)
    assert quota["requests.ephemeral-storage"] == room_objects.QUOTA["requests.ephemeral-storage"]
    allowed = client.CoreV1Api(_participant_api(room, A)).create_namespaced_service(  # the control: a plain
        A,
        room_isolation.body(
            room_isolation.Hole(
                "plain",
                "Service",
                {
                    "selector": {"app": "none"},  # Service passes
                    "ports": [{"port": 6379}],
                },
                "",
            ),
            A,
        ),
        dry_run="All",
    )
    assert allowed.metadata.name == "isolation-check"


def test_room_create_refuses_and_hands_out_nothing_where_a_hole_is_open(room, kube_target_name):
    """The stand-in's externalIPs webhook turned off for a moment: `room create` names the
    hole, exits with RoomNotIsolated, and no kubeconfig is left; with the webhook back, the
    same create succeeds again."""
    if kube_target_name != "standin":
        pytest.skip("turns off the stand-in's own webhook; kind's hole is shown above")
    webhooks = client.AdmissionregistrationV1Api(room.api())
    saved = webhooks.read_validating_webhook_configuration("redis-tini-lab-deny-external-ips")
    saved.metadata = client.V1ObjectMeta(name=saved.metadata.name)
    webhooks.delete_validating_webhook_configuration(saved.metadata.name)
    try:
        with pytest.raises(RoomNotIsolated) as refused:
            room.create([B])
        assert len(refused.value.holes) == 1 and "externalIPs" in refused.value.holes[0], refused.value.holes
        assert "DenyServiceExternalIPs" in str(refused.value)
        assert not (room.folder / f"{B}.kubeconfig").exists()
    finally:
        webhooks.create_validating_webhook_configuration(saved)
    wait_until(lambda: not room.holes_open(A), timeout=30, what="the webhook to refuse externalIPs again")
    room.create([B])
    assert (room.folder / f"{B}.kubeconfig").exists()


def test_room_status_of_a_room_that_is_not_there_names_the_rooms_that_are(room):
    with pytest.raises(lab.LabError, match=r"room no-such-room has no participants .*the rooms here: .*iso"):
        Room("no-such-room", room.context, room.kubeconfig).status(show=False)


def test_quota_stops_a_runaway_in_its_own_namespace_only(room, kube_target_name):
    a_core, a_apps = client.CoreV1Api(_participant_api(room, A)), client.AppsV1Api(_participant_api(room, A))
    b_core, b_apps = client.CoreV1Api(_participant_api(room, B)), client.AppsV1Api(_participant_api(room, B))
    limit = int(room_objects.QUOTA["pods"])
    a_apps.create_namespaced_deployment(A, _sleeper("runaway", replicas=3 * limit))

    def refused_by_quota():
        replica_sets = a_apps.list_namespaced_replica_set(A, label_selector="app=runaway").items
        return any(
            c.type == "ReplicaFailure" and "exceeded quota" in (c.message or "")
            for rs in replica_sets
            for c in rs.status.conditions or []
        )

    wait_until(refused_by_quota, timeout=60, interval=1, what="the quota to refuse the runaway's pods")
    # What the quota counts: pods in a non-terminal phase (ResourceQuota docs: a Succeeded or
    # Failed pod is listed but not counted), not being deleted (the 1.20 kubelet removes the
    # objects of the previous tests' pods 10-60 s late, and they are listed meanwhile).
    pods_in_a = len(
        [
            pod
            for pod in a_core.list_namespaced_pod(A).items
            if not pod.metadata.deletion_timestamp
            and (pod.status.phase if pod.status else None) not in ("Succeeded", "Failed")
        ]
    )
    assert pods_in_a <= limit, f"{pods_in_a} pods in {A}, over its quota of {limit}"

    b_apps.create_namespaced_deployment(B, _sleeper("still-works"))
    _running_pod(b_core, B, "still-works")  # B's room is unaffected
    for apps, namespace, name in ((a_apps, A, "runaway"), (b_apps, B, "still-works")):
        apps.delete_namespaced_deployment(name, namespace, propagation_policy="Foreground")
        wait_until(
            lambda apps=apps, namespace=namespace, name=name: (
                not apps.list_namespaced_deployment(namespace, field_selector=f"metadata.name={name}").items
            ),
            timeout=90,
            interval=0.5,
            what=f"deployment {name} to be deleted",
        )
    print(f"runaway: {pods_in_a} of {3 * limit} pods created in {A} (quota {limit}); {B} still schedules")


def test_reset_and_room_delete_leave_others_untouched(room, kube_target_name):
    admin = _admin_core(room)
    if not _exists(room, BYSTANDER):
        admin.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=BYSTANDER)))
    # An object in A's namespace the lab did not label, and B's own deployment.
    admin.create_namespaced_config_map(
        A, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="not-the-labs"), data={"keep": "me"})
    )
    b_apps, a_apps = client.AppsV1Api(_participant_api(room, B)), client.AppsV1Api(_participant_api(room, A))
    b_apps.create_namespaced_deployment(B, _sleeper("b-work", owner=B))
    a_apps.create_namespaced_deployment(A, _sleeper("a-work", owner=A))  # the lab's, for A: reset removes it
    b_before = sorted(d.metadata.name for d in b_apps.list_namespaced_deployment(B).items)
    env = {
        **os.environ,
        "KUBECONFIG": str(room.folder / f"{A}.kubeconfig"),
        "LAB_KUBE_CONTEXT": f"{room.name}-{A}",
        "LAB_PREFIX": A,
    }
    lab_command(["reset", "--keep-images"], env)

    assert "a-work" not in [d.metadata.name for d in a_apps.list_namespaced_deployment(A).items]
    assert admin.read_namespaced_config_map("not-the-labs", A).data == {"keep": "me"}
    assert sorted(d.metadata.name for d in b_apps.list_namespaced_deployment(B).items) == b_before

    lab_command(
        [
            "room",
            "--room",
            room.name,
            "--context",
            room.context,
            *(["--kubeconfig", room.kubeconfig] if room.kubeconfig else []),
            "delete",
            "--names",
            A,
        ],
        os.environ,
    )
    assert not _exists(room, A)
    assert not (room.folder / f"{A}.kubeconfig").exists()
    assert _exists(room, B) and _exists(room, BYSTANDER)
    assert sorted(d.metadata.name for d in b_apps.list_namespaced_deployment(B).items) == b_before


def lab_command(argv, env) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "lab", *argv],
        cwd=settings.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"python -m lab {' '.join(argv)}: {result.stderr[-2000:]}"
    return result.stdout


def test_room_doctor_tries_the_images_on_every_node_and_says_what_lesson_5_will_show(room, kube_target_name):
    where = [
        "--room",
        room.name,
        "--context",
        room.context,
        *(["--kubeconfig", room.kubeconfig] if room.kubeconfig else []),
    ]
    found = subprocess.run(
        [sys.executable, "-m", "lab", "room", *where, "doctor"],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    isolated = kube_target_name == "standin"  # kind: the externalIPs hole (see below) makes doctor exit 1
    assert found.returncode == (0 if isolated else 1), found.stdout[-2000:] + found.stderr[-2000:]
    assert "starts" in found.stdout and "exhaustion run restarts the pod" in found.stdout
    assert ("refused all 6 ways out" if isolated else "NOT ISOLATED") in found.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "lab", "room", *where, "doctor", "--registry", "registry.invalid/course"],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode == 1 and "does not start" in missing.stdout, missing.stdout[-2000:]
    assert "Traceback" not in missing.stderr
