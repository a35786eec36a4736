"""How tests/printed_commands/checker.py decides to check a printed command. The worst bug it could have
is running a command that changes what a lesson measures, so what counts as read-only is
tested word by word. (The checks themselves run on the real engines: tests/printed_commands.)"""

import pytest

from tests.printed_commands import checker as command_check
from tests.printed_commands import command_words


@pytest.mark.parametrize(
    "argv,verb",
    [
        (["kubectl", "get", "pods"], "get"),
        (["kubectl", "-n", "lab", "get", "pods"], "get"),
        (["kubectl", "--context", "kind-lab", "port-forward", "-n", "p1", "svc/webui", ":80"], "port-forward"),
        (["kubectl", "--kubeconfig", "/x", "--context", "c", "exec", "deploy/redis", "--", "true"], "exec"),
        (["kubectl", "config", "set-context", "kind-lab", "--namespace=lab"], "config"),
        (["docker", "exec", "lab-redis", "redis-cli", "ping"], "exec"),
    ],
)
def test_the_verb_skips_options_and_their_values(argv, verb):
    assert command_words.verb(argv) == verb


@pytest.mark.parametrize(
    "command",
    [
        ["redis-cli", "ping"],
        ["redis-cli", "-e", "ping"],
        ["redis-cli", "INFO"],
        ["cat", "/proc/1/stat"],
        ["sh", "-c", "cat /proc/1/stat"],
        ["env", "-u", "REDISCLI_AUTH", "redis-cli", "ping"],
    ],
)
def test_read_only_commands_run_for_real(command):
    assert command_words.reads_only(command)


@pytest.mark.parametrize(
    "command",
    [
        ["redis-cli", "CLIENT", "PAUSE", "5000", "ALL"],
        ["redis-cli", "CONFIG", "SET", "save", "1 1"],
        ["redis-cli", "INCR", "hits"],
        ["env", "REDISCLI_AUTH=x", "redis-cli", "CONFIG", "SET", "requirepass", "y"],
        ["env", "-u", "REDISCLI_AUTH", "redis-cli", "INCR", "hits"],
        ["env"],
        ["sh", "-c", "sleep 1 & exit 0"],
        ["sh", "-c", "cat x\nkill 1"],
        ["sh", "-c", "cat x > /tmp/y"],
        ["touch", "/tmp/fail"],
        [],
    ],
)
def test_commands_that_change_something_are_never_run_by_the_check(command):
    assert not command_words.reads_only(command)


@pytest.mark.parametrize(
    "argv,seconds",
    [
        (["kubectl", "wait", "--timeout=180s"], 180),
        (["kubectl", "wait", "--timeout=2m"], 120),
        (["kubectl", "wait", "--timeout=30"], 30),
        (["kubectl", "wait"], 0),
    ],
)
def test_a_wait_gets_its_own_timeout_on_top(argv, seconds):
    assert command_words.wait_timeout(argv) == seconds


@pytest.mark.parametrize(
    "context,typeable",
    [
        ("images/redis-tini", True),
        ("work/does-not-exist", False),
        ("/tmp", False),
        ("../../tmp/lab-x", False),
    ],
)
def test_a_build_context_must_be_a_folder_of_the_repository(context, typeable):
    missing = command_check._missing_build_context(["docker", "build", "-t", "x", context])
    assert (missing is None) == typeable


def test_a_kubectl_line_printed_before_a_cluster_is_chosen_is_a_failure(monkeypatch):
    """Only a Kubernetes target names the cluster a kubectl line must be checked on."""
    monkeypatch.setattr(command_check, "_engine", command_check.Engine())
    mode, ok, detail = command_check._check_argv(["kubectl", "get", "pods"])
    assert not ok and "before lab.target() chose a Kubernetes cluster" in detail


def test_a_checker_error_is_recorded_not_raised(tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv(command_check.ENV_VAR, str(log))
    monkeypatch.setattr(command_check, "_check_argv", lambda argv: 1 / 0)
    command_check.check_printed(["kubectl", "get", "pods", "--unique-for-this-test"])
    assert '"ok": false' in log.read_text() and "ZeroDivisionError" in log.read_text()


@pytest.mark.parametrize(
    "detail,ok",
    [
        ("LOADING Redis is loading the dataset in memory\ncommand terminated with exit code 1", True),
        (
            'OCI runtime exec failed: exec: "redis-cl": executable file not found\ncommand terminated with exit code 127',
            False,
        ),
        ("error: unable to upgrade connection: container not found", False),
    ],
)
def test_a_kubectl_exec_whose_program_answered_no_is_a_command_a_person_can_type(detail, ok):
    argv = ["kubectl", "exec", "deploy/loading-demo", "--", "redis-cli", "-e", "ping"]
    assert command_check._program_ran_and_said_no(argv, detail) == ok


def test_an_exec_is_tried_again_while_the_pod_cannot_run_it(monkeypatch):
    """Lesson 5's pod out of PIDs (the runtime cannot start the checker's exec either), then
    restarted by the kubelet (no container to exec into): typed a moment later, it works."""
    answers = iter(
        [
            (
                "m",
                False,
                "OCI runtime exec failed: unable to start container process: read init-p: connection reset by peer",
            ),
            ("m", False, 'error: unable to upgrade connection: container not found ("redis")'),
            ("m", True, "/bin/sh"),
        ]
    )
    calls = []

    def fake_run(mode, argv, **_):
        calls.append(argv)
        found_mode, ok, detail = next(answers)
        return mode, ok, detail

    monkeypatch.setattr(command_check, "_run", fake_run)
    monkeypatch.setattr(command_check, "NOT_YET_RETRY_SECONDS", 0)
    mode, ok, _ = command_check._check_exec(["kubectl", "exec", "deploy/redis-cache", "--", "sh", "-c", "exec grep x"])
    assert ok and len(calls) == 3 and "3 tries" in mode


def test_an_exec_that_never_gets_to_run_fails_when_its_time_is_up(monkeypatch):
    calls = []
    monkeypatch.setattr(
        command_check,
        "_run",
        lambda mode, argv, **_: (
            calls.append(argv) or (mode, False, 'error: unable to upgrade connection: container not found ("redis")')
        ),
    )
    monkeypatch.setattr(command_check, "NOT_YET_RETRY_SECONDS", 0.01)
    monkeypatch.setattr(command_check, "NOT_YET_SECONDS", 1)  # long enough for 2 tries on a loaded machine
    mode, ok, detail = command_check._check_exec(["kubectl", "exec", "deploy/redis-cache", "--", "cat", "/x"])
    assert not ok and len(calls) >= 2 and "container not found" in detail


def test_an_exec_that_fails_otherwise_is_not_retried(monkeypatch):
    calls = []
    monkeypatch.setattr(command_check, "_run", lambda mode, argv, **_: calls.append(argv) or (mode, False, "not found"))
    _, ok, _ = command_check._check_exec(["kubectl", "exec", "deploy/redis", "--", "nosuch"])
    assert not ok and len(calls) == 1
