"""What the learner sees: the command a person would type, and pass lines."""

import shlex

from lab.core import command_check


def show_command(*argv: str) -> None:
    """Print the shell command equivalent to what the lab is about to do."""
    print("$ " + shlex.join(argv))
    if command_check.enabled():
        command_check.check_printed(list(argv))


def passed(message: str) -> None:
    print(f"PASS: {message}")


def show_shell(line: str) -> None:
    """Print a shell line that uses shell syntax ($(...), pipes) as it would be typed."""
    print("$ " + line)
    if command_check.enabled():
        command_check.check_printed([], shell_line=line)
