"""A learner presses Stop (KeyboardInterrupt) or restarts the kernel in the middle of an
experiment: nothing keeps running, and the next call works. With real kernels."""
import os
import time

from jupyter_client.manager import start_new_kernel

import lab
from lab.targets.docker.target import DockerTarget
from tests.helpers import free_port

SETUP = (
    "import lab\n"
    "from lab.course import experiments\n"
    "from lab.targets.docker.target import DockerTarget\n"
    "target = DockerTarget(node_ports={{30080: {port}}})\n"
)


class Kernel:
    """A real IPython kernel with this scenario's participant prefix."""

    def __init__(self, prefix: str):
        self.manager, self.client = start_new_kernel(kernel_name="python3", env={**os.environ, "LAB_PREFIX": prefix})

    def run(self, code: str, timeout: float = 120) -> dict:
        return self.client.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)["content"]

    def run_and_interrupt(self, code: str, after_seconds: float, timeout: float = 120) -> dict:
        msg_id = self.client.execute(code)
        time.sleep(after_seconds)
        self.manager.interrupt_kernel()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]
        raise AssertionError("no reply after the interrupt")

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def deployed(prefix_target: DockerTarget) -> list:
    return prefix_target.deployments()


def test_interrupt_during_the_matrix_leaves_no_experiment_running(scenario):
    kernel = Kernel(scenario)
    try:
        assert kernel.run(SETUP.format(port=free_port()) + "lab.build_image(quiet=True)")["status"] == "ok"
        reply = kernel.run_and_interrupt("experiments.probe_timeout_matrix(target)", after_seconds=8)
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
        assert DockerTarget().deployments() == []  # the finally removed every variant
        assert kernel.run("lab.run_redis('after', lab.redis_image(), quiet=True); "
                          "assert lab.process_table('after').pid1().comm == 'redis-server'")["status"] == "ok"
    finally:
        kernel.stop()


def test_interrupt_during_pid_exhaustion_leaves_no_experiment_running(scenario):
    kernel = Kernel(scenario)
    try:
        assert kernel.run(SETUP.format(port=free_port()) + "lab.build_image(quiet=True)")["status"] == "ok"
        reply = kernel.run_and_interrupt("experiments.pid_exhaustion(target)", after_seconds=8)
        assert reply["ename"] == "KeyboardInterrupt"
        assert DockerTarget().deployments() == []
    finally:
        kernel.stop()


def test_interrupt_during_the_liveness_stall_unpauses_redis(scenario):
    kernel = Kernel(scenario)
    try:
        setup = SETUP.format(port=free_port()) + (
            "from lab.core import settings\n"
            "from lab.course import dockercoins\n"
            "url = dockercoins.ensure_running(target)\n"
            "target.apply([settings.REPO_ROOT / 'k8s' / 'lesson-04' / 'redis.yaml'])\n"
            "target.wait_ready()\n")
        assert kernel.run(setup, timeout=240)["status"] == "ok"
        reply = kernel.run_and_interrupt("experiments.stall_until_restart(target, url)", after_seconds=4)
        assert reply["ename"] == "KeyboardInterrupt"
        # redis answers again within seconds (restarted), not after the rest of the 60 s pause
        lab.wait_until(lambda: lab.exec_in("k8s-redis", ["redis-cli", "ping"], timeout=3, quiet=True).stdout.strip()
                       == "PONG", timeout=15, what="redis to answer after the interrupted stall")
        assert kernel.run("target.delete()")["status"] == "ok"
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


def test_kernel_restart_in_the_middle_of_lesson_5_then_rerun_works(scenario):
    kernel = Kernel(scenario)
    try:
        assert kernel.run(SETUP.format(port=free_port()) + "lab.build_image(quiet=True)")["status"] == "ok"
        kernel.client.execute("experiments.probe_timeout_matrix(target)")
        lab.wait_until(lambda: len(DockerTarget().deployments()) >= 6, timeout=60, what="the variants to start")
        kernel.manager.restart_kernel(now=True)  # no finally runs: the variants are left behind
        assert len(DockerTarget().deployments()) >= 6
        # the learner re-runs lesson 5 from the top, over the leftovers
        assert kernel.run(SETUP.format(port=free_port()) + "result = experiments.probe_timeout_matrix(target)\n"
                          "assert all(row['matches'] for row in result.rows), result.rows")["status"] == "ok"
        assert DockerTarget().deployments() == []  # the re-run replaced and then removed everything
    finally:
        kernel.stop()
