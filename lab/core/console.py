"""What the learner sees: the command a person would type, and pass lines.

Listeners (``listen``) hear each printed command and each Kubernetes cluster chosen: the
test suite installs one in every notebook's kernel to check that each printed command
works as typed (tests/printed_commands/checker.py). The lab itself installs none.
"""

import shlex
from typing import Protocol


class Listener(Protocol):
    def command_printed(self, argv: list[str], shell_line: str | None) -> None: ...

    def kubernetes_chosen(self, name: str, context: str, kubeconfig: str | None) -> None: ...


_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Tell ``listener`` about every command printed and every cluster chosen from now on."""
    _listeners.append(listener)


def show_command(*argv: str) -> None:
    """Print the shell command equivalent to what the lab is about to do."""
    print("$ " + shlex.join(argv))
    for listener in _listeners:
        listener.command_printed(list(argv), None)


def show_shell(line: str) -> None:
    """Print a shell line that uses shell syntax ($(...), pipes) as it would be typed."""
    print("$ " + line)
    for listener in _listeners:
        listener.command_printed([], line)


def kubernetes_chosen(name: str, context: str, kubeconfig: str | None) -> None:
    """A Kubernetes target was made: the commands printed from now on run against it."""
    for listener in _listeners:
        listener.kubernetes_chosen(name, context, kubeconfig)


def passed(message: str) -> None:
    print(f"PASS: {message}")
