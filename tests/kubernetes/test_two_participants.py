"""A workshop room on one cluster: `python -m lab room create --participants 2` makes two
participants, and they run lessons at the same time (p1 lesson 5, p2 lesson 3), each with
their own room kubeconfig,
whose rights end at their namespace, as a shared cluster's participants do: Services stay
ClusterIP and the lab reaches the webui through its own port-forward. Both must pass, neither may leave
anything behind, and `room status` shows both making progress while they work (its output
is kept in tests/artifacts/room-status.txt)."""

import os
import signal
import subprocess
import sys
import time

import kubernetes

import lab
from lab.core import settings
from lab.targets.kubernetes.kubernetes_here import context_and_kubeconfig
from lab.workshop.room import Room

# Lesson 5 is the heaviest (12 pods at its peak, the quota's sizing) and the one that reads
# probe failures from Events where a participant may not read the kubelet's counts; lesson 3
# deploys DockerCoins from an empty namespace, as a learner's first Kubernetes lesson does.
# One lesson each, at once: each lesson under a room's rights, and two participants sharing
# the cluster, for 4 minutes of CI instead of 6 (both running both lessons proved nothing
# more). Lessons 4 and 6: every call they make is in the room's Role
# (tests/unit/test_room_objects.py checks it).
LESSONS = {"p1": ["notebooks/05-inducing-zombies.ipynb"], "p2": ["notebooks/03-dockercoins.ipynb"]}
PARTICIPANTS = list(LESSONS)  # the names `room create --participants 2` gives
ARTIFACTS = settings.REPO_ROOT / "tests" / "artifacts"
BOUND_SECONDS = 1200
STATUS_EVERY = 20  # seconds between the instructor's looks at `room status`


def start_participant(room: Room, participant: str, log_path) -> subprocess.Popen:
    """The lessons under nbval, as this participant with their room kubeconfig, in a
    session of its own."""
    env = {
        **os.environ,
        "LAB_KUBE_CONTEXT": f"{room.name}-{participant}",
        "LAB_PREFIX": participant,
        "KUBECONFIG": str(room.folder / f"{participant}.kubeconfig"),
        "XDG_STATE_HOME": str(log_path.parent / participant),
    }  # progress from this run only
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *LESSONS[participant]],
            cwd=settings.REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_two_participants_run_lessons_5_and_3_at_once_on_one_cluster(kube_target_name, tmp_path, monkeypatch):
    # The images on the nodes first, as an instructor does before the room (load or push).
    monkeypatch.setenv("LAB_TARGET", kube_target_name)
    lab.target().prepare([lab.build_image(spec, quiet=True) for spec in settings.ALL_IMAGES])

    context, kubeconfig = context_and_kubeconfig(kube_target_name)
    room = Room("ci", context, kubeconfig)
    room.delete()  # what an interrupted earlier run left
    where = ["--room", room.name, "--context", context, *(["--kubeconfig", kubeconfig] if kubeconfig else [])]
    # kind enables no DenyServiceExternalIPs by default: there the room names that hole, and
    # the test goes on with it accepted (test_room.py checks the holes themselves).
    risk = [] if kube_target_name == "standin" else ["--accept-risk"]
    created = subprocess.run(
        [sys.executable, "-m", "lab", "room", *where, "create", "--participants", "2", *risk],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stdout[-2000:] + created.stderr[-2000:]
    print(created.stdout)
    logs = {participant: tmp_path / f"{participant}.log" for participant in PARTICIPANTS}
    runs = {participant: start_participant(room, participant, logs[participant]) for participant in PARTICIPANTS}
    started, results, looks = time.monotonic(), {}, []
    try:
        next_look = started
        while any(process.poll() is None for process in runs.values()) and time.monotonic() - started < BOUND_SECONDS:
            if time.monotonic() >= next_look:  # the instructor looks every STATUS_EVERY s
                looks.append(f"after {time.monotonic() - started:.0f}s:\n{room.status(show=len(looks) == 0)}")
                next_look += STATUS_EVERY
            time.sleep(1)  # and the test notices within a second when both are done
        looks.append(f"at the end, {time.monotonic() - started:.0f}s:\n{room.status(show=False)}")
        for participant, process in runs.items():
            results[participant] = (
                process.poll() if process.poll() is not None else f"still running after {BOUND_SECONDS}s"
            )
    finally:
        for process in runs.values():  # nbval and its kernels, on a failure or a timeout
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "room-status.txt").write_text("\n\n".join(looks) + "\n")
        try:
            final = {row["participant"]: row for row in room.status(show=False).rows} if results else {}
            apps = kubernetes.client.AppsV1Api(room.api())
            left = {
                participant: [d.metadata.name for d in apps.list_namespaced_deployment(participant).items]
                for participant in PARTICIPANTS
            }
        finally:
            room.delete()  # whatever the reading did
    print(f"two participants, lessons 5 and 3 at once: {time.monotonic() - started:.0f}s")
    for participant in PARTICIPANTS:
        output = logs[participant].read_text()
        assert results[participant] == 0, f"{participant} failed ({results[participant]}):\n{output[-3000:]}"
        assert "passed" in (output.strip().splitlines() or [""])[-1]
    for participant, lessons in LESSONS.items():  # the instructor saw each one's checks in their lesson
        lesson = lessons[0].split("/")[-1][:2]
        assert final[participant][f"lesson {lesson}"] not in ("-", "0"), (
            f"room status did not show {participant}'s progress: {final[participant]}"
        )
    assert len(looks) >= 3
    assert left["p1"] == [], f"lesson 5 ends by deleting everything: {left}"
    assert sorted(left["p2"]) == ["hasher", "redis", "rng", "webui", "worker"], f"lesson 3 leaves DockerCoins: {left}"
