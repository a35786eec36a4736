"""A workshop room on one cluster: two participants, each with their own LAB_PREFIX (their
namespace), run lessons 3 to 5 at the same time through LAB_KUBE_CONTEXT, as a shared
cluster's participants do: Services stay ClusterIP and the lab reaches the webui through
its own port-forward. Both must pass, and neither may leave anything behind."""
import os
import signal
import subprocess
import sys
import time

import lab
from lab import settings
from lab.kubernetes_here import context_and_kubeconfig

LESSONS = ["notebooks/03-dockercoins.ipynb", "notebooks/04-liveness-probe.ipynb", "notebooks/05-inducing-zombies.ipynb"]
PARTICIPANTS = ["room-ada", "room-bob"]
BOUND_SECONDS = 1200


def start_participant(participant: str, context: str, kubeconfig, log_path) -> subprocess.Popen:
    """The three lessons under nbval, as this participant, in a session of its own."""
    env = {**os.environ, "LAB_KUBE_CONTEXT": context, "LAB_PREFIX": participant}
    if kubeconfig:
        env["KUBECONFIG"] = kubeconfig
    with open(log_path, "w") as log:
        return subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *LESSONS],
                                cwd=settings.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def test_two_participants_run_lessons_3_to_5_at_once_on_one_cluster(kube_target_name, tmp_path, monkeypatch):
    # The images on the nodes first, as an instructor does before the room (load or push).
    monkeypatch.setenv("LAB_TARGET", kube_target_name)
    lab.target().prepare([lab.build_image(spec, quiet=True) for spec in settings.ALL_IMAGES])

    context, kubeconfig = context_and_kubeconfig(kube_target_name)
    logs = {participant: tmp_path / f"{participant}.log" for participant in PARTICIPANTS}
    runs = {participant: start_participant(participant, context, kubeconfig, logs[participant])
            for participant in PARTICIPANTS}
    started, results = time.monotonic(), {}
    try:
        for participant, process in runs.items():
            try:
                results[participant] = process.wait(timeout=max(1, BOUND_SECONDS - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                results[participant] = f"still running after {BOUND_SECONDS}s"
    finally:
        for process in runs.values():  # nbval and its kernels, on a failure or a timeout
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for participant in PARTICIPANTS:  # whatever a failed run left in the participant's namespace
            if results.get(participant) != 0:
                monkeypatch.setenv("LAB_PREFIX", participant)
                lab.target().delete()
    print(f"two participants, lessons 3-5 at once: {time.monotonic() - started:.0f}s")
    for participant in PARTICIPANTS:
        output = logs[participant].read_text()
        assert results[participant] == 0, f"{participant} failed ({results[participant]}):\n{output[-3000:]}"
        assert "passed" in (output.strip().splitlines() or [""])[-1]
    for participant in PARTICIPANTS:  # lesson 5 ends by deleting everything the participant made
        monkeypatch.setenv("LAB_PREFIX", participant)
        assert lab.target().deployments() == [], f"{participant} left deployments behind"
