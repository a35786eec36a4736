"""What the learner sees: the command a person would type, and pass lines."""
import shlex


def show_command(*argv: str) -> None:
    """Print the shell command equivalent to what the lab is about to do."""
    print("$ " + shlex.join(argv))


def passed(message: str) -> None:
    print(f"PASS: {message}")


def show_shell(line: str) -> None:
    """Print a shell line that uses shell syntax ($(...), pipes) as it would be typed."""
    print("$ " + line)
