"""A learner presses Stop (KeyboardInterrupt) or restarts the kernel in the middle of an
experiment: nothing keeps running, and the next call works. With real kernels: lesson 1's
on Docker Engine, lessons 4 and 5's on the real Kubernetes here."""

import os
import queue
import time

from jupyter_client.manager import start_new_kernel

import lab

# The kernel inherits LAB_TARGET from the on_kubernetes fixture: the same cluster as the test.
SETUP = (
    "import lab\n"
    "from lab.course import experiments\n"
    "target = lab.target()\n"
    "target.prepare([lab.build_image(quiet=True)])\n"
)

# k8s/redis.yaml with lesson 4's liveness probe, applied: what a stall makes the kubelet restart.
REDIS_WITH_LIVENESS_PROBE = (
    "from lab.targets import manifests\n"
    "redis = manifests.load([manifests.MANIFESTS_DIR / 'redis.yaml'])\n"
    "container = next(m for m in redis if m.kind == 'Deployment').body['spec']['template']['spec']['containers'][0]\n"
    "container['livenessProbe'] = {'exec': {'command': ['redis-cli', 'ping']}, 'periodSeconds': 5,\n"
    "                              'failureThreshold': 3}\n"
    "target.apply_manifests(redis)\n"
    "target.wait_ready()\n"
)


class Kernel:
    """A real IPython kernel with this scenario's participant prefix."""

    def __init__(self, prefix: str):
        self.manager, self.client = start_new_kernel(kernel_name="python3", env={**os.environ, "LAB_PREFIX": prefix})

    def run(self, code: str, timeout: float = 120) -> dict:
        return self.client.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)["content"]

    def run_and_interrupt(self, code: str, after_seconds: float, timeout: float = 120) -> dict:
        """Press Stop after ``after_seconds``; press it again every 15 s while the cell still
        runs (as a learner would), at most 3 times; the cell's reply."""
        msg_id = self.client.execute(code)
        time.sleep(after_seconds)
        deadline = time.monotonic() + timeout
        for _ in range(3):
            self.manager.interrupt_kernel()
            try:
                while time.monotonic() < deadline:
                    reply = self.client.get_shell_msg(timeout=15)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        return reply["content"]
            except queue.Empty:
                continue  # still running after 15 s: press Stop again
        raise AssertionError("no reply after three interrupts")

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def none_left(target) -> None:
    """The experiment's Deployments are gone (its pods stop in the background)."""
    lab.wait_until(lambda: target.deployments() == [], timeout=30, what="the experiment's deployments to be deleted")


def test_interrupt_during_the_matrix_leaves_no_experiment_running(scenario, on_kubernetes):
    kernel = Kernel(scenario)
    try:
        assert kernel.run(SETUP, timeout=300)["status"] == "ok"
        reply = kernel.run_and_interrupt("experiments.probe_timeout_matrix(target)", after_seconds=8)
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
        none_left(on_kubernetes)  # the finally removed every variant
        # the next call through the same target works: the interrupt left no API call half-read
        assert kernel.run("assert target.deployments() == [], target.deployments()")["status"] == "ok"
    finally:
        kernel.stop()


def test_interrupt_during_pid_exhaustion_leaves_no_experiment_running(scenario, on_kubernetes):
    kernel = Kernel(scenario)
    try:
        assert kernel.run(SETUP, timeout=300)["status"] == "ok"
        reply = kernel.run_and_interrupt("experiments.pid_exhaustion(target)", after_seconds=8)
        assert reply.get("ename") == "KeyboardInterrupt", reply
        none_left(on_kubernetes)
    finally:
        kernel.stop()


def test_interrupt_during_the_liveness_stall_unpauses_redis(scenario, on_kubernetes):
    kernel = Kernel(scenario)
    try:
        setup = SETUP + (
            "from lab.course import dockercoins\nurl = dockercoins.ensure_running(target)\n" + REDIS_WITH_LIVENESS_PROBE
        )
        assert kernel.run(setup, timeout=600)["status"] == "ok"
        reply = kernel.run_and_interrupt("experiments.stall_until_restart(target, url)", after_seconds=4)
        assert reply["ename"] == "KeyboardInterrupt"
        # redis answers again at once (a new pod), not after the rest of the 60 s pause
        lab.wait_until(
            lambda: on_kubernetes.exec("redis", ["redis-cli", "ping"], timeout=3, quiet=True).stdout.strip() == "PONG",
            timeout=15,
            what="redis to answer after the interrupted stall",
        )
    finally:
        kernel.stop()


def test_interrupt_during_a_bounded_wait_then_the_next_call_works(scenario):
    kernel = Kernel(scenario)
    try:
        kernel.run("import lab\nredis = lab.run_redis('redis', lab.redis_image(), quiet=True)")
        reply = kernel.run_and_interrupt("lab.expect_zombies(redis, 5, timeout=60)", after_seconds=2)
        assert reply["ename"] == "KeyboardInterrupt"
        assert kernel.run("lab.make_orphans(redis, 1); lab.expect_zombies(redis, 1)")["status"] == "ok"
    finally:
        kernel.stop()


def test_kernel_restart_in_the_middle_of_lesson_5_then_rerun_works(scenario, on_kubernetes):
    kernel = Kernel(scenario)
    try:
        assert kernel.run(SETUP, timeout=300)["status"] == "ok"
        kernel.client.execute("experiments.probe_timeout_matrix(target)")
        lab.wait_until(lambda: len(on_kubernetes.deployments()) >= 6, timeout=120, what="the variants to start")
        kernel.manager.restart_kernel(now=True)  # no finally runs: the variants are left behind
        assert len(on_kubernetes.deployments()) >= 6
        # the learner re-runs lesson 5 from the top, over the leftovers
        assert (
            kernel.run(
                SETUP + "result = experiments.probe_timeout_matrix(target)\n"
                "assert all(row['matches'] for row in result.rows), result.rows",
                timeout=600,
            )["status"]
            == "ok"
        )
        none_left(on_kubernetes)  # the re-run replaced and then removed everything
    finally:
        kernel.stop()
