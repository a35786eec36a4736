"""The printed-command checker on the real Docker Engine: a `docker rm` of a container that
is not there, or a `$(docker ps ...)` that finds nothing to act on, fails the check, as it
would fail the person typing it."""

import lab
from lab.core import settings
from tests.printed_commands import checker as command_check


def test_docker_rm_of_a_container_that_exists_passes(participant):
    container = lab.run("checked", settings.REDIS_TINI.tag, quiet=True)
    _, ok, detail = command_check._check_argv(["docker", "rm", "-f", container.name])
    assert ok, detail
    assert lab.is_running(container.name)  # checked, not run


def test_docker_rm_of_a_container_that_is_not_there_fails(participant):
    _, ok, detail = command_check._check_argv(["docker", "rm", "-f", f"{participant}-never-started"])
    assert not ok and "No such container" in detail


def test_docker_kill_names_its_container_after_the_signal_option(participant):
    container = lab.run("killed", settings.REDIS_TINI.tag, quiet=True)
    _, ok, detail = command_check._check_argv(["docker", "kill", "-s", "TERM", container.name])
    assert ok, detail
    assert lab.is_running(container.name)


def test_a_shell_line_whose_substitution_finds_nothing_fails(participant):
    line = f"docker rm -f -v $(docker ps -aq --filter label={settings.LABEL}={participant}-nobody)"
    _, ok, detail = command_check._check_shell(line)
    assert not ok and "is empty here" in detail


def test_a_shell_line_whose_substitution_finds_containers_passes(participant):
    lab.run("listed", settings.REDIS_TINI.tag, quiet=True)
    _, ok, detail = command_check._check_shell(
        f"docker rm -f -v $(docker ps -aq --filter label={settings.LABEL}={participant})"
    )
    assert ok, detail
