"""Reading a printed command line without running it: its verb, where an exec's command
starts, which containers it names, and whether what it runs only reads.

The command checker (command_check.py) decides from these how to check a line.
"""

import os
import shlex

KUBECTL_READ_ONLY = {
    "get",
    "describe",
    "logs",
    "wait",
    "top",
    "explain",
    "api-resources",
    "version",
    "auth",
    "cluster-info",
}
KUBECTL_MUTATING = {
    "apply",
    "create",
    "delete",
    "label",
    "annotate",
    "patch",
    "scale",
    "replace",
    "set",
    "expose",
    "run",
    "rollout",
    "taint",
    "cordon",
    "uncordon",
    "drain",
}
DOCKER_READ_ONLY = {"ps", "logs", "inspect", "stats", "images", "version", "info", "top", "history", "events"}
DOCKER_LISTS = {("network", "ls"), ("volume", "ls"), ("container", "ls"), ("image", "ls")}
# Verbs whose arguments are containers, and their options that take a value.
DOCKER_ON_CONTAINERS: dict[str, set[str]] = {
    "rm": set(),
    "kill": {"-s", "--signal"},
    "stop": {"-t", "--time"},
    "restart": {"-t", "--time"},
    "start": set(),
    "pause": set(),
    "unpause": set(),
}
# What an exec may run for real while checking: it reads, and it returns at once.
READ_ONLY_REDIS = {"ping", "info", "dbsize", "get", "hlen", "hgetall", "ttl", "type", "exists"}
READ_ONLY_PROGRAMS = {"cat", "ps", "ls", "head", "grep", "true", "hostname", "id"}
GLOBAL_OPTIONS_WITH_VALUE = {
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "-s",
    "--server",
    "--cluster",
    "--user",
    "-H",
    "--host",
    "-c",
    "--config",
    "-l",
    "--log-level",
}


def verb(argv: list[str]) -> str:
    """The first word after the program that is neither an option nor an option's value
    (kubectl -n ns get ... -> get; kubectl --context kind-lab port-forward ... -> port-forward)."""
    words, index = argv[1:], 0
    while index < len(words):
        word = words[index]
        if word in GLOBAL_OPTIONS_WITH_VALUE:
            index += 2
        elif word.startswith("-"):
            index += 1
        else:
            return word
    return ""


def reads_docker_state(argv: list[str]) -> bool:
    """`docker ps`, `docker logs ...`, `docker network ls`: a docker command that only reads."""
    return argv[:1] == ["docker"] and (verb(argv) in DOCKER_READ_ONLY or tuple(argv[1:3]) in DOCKER_LISTS)


def container_names(argv: list[str], docker_verb: str) -> list[str]:
    """`docker rm -f a b` -> [a, b]: the arguments after the verb that are neither options nor
    an option's value."""
    words, names = argv[argv.index(docker_verb) + 1 :], []
    while words:
        word, words = words[0], words[1:]
        if word in DOCKER_ON_CONTAINERS[docker_verb]:
            words = words[1:]  # the option's value
        elif not word.startswith("-"):
            names.append(word)
    return names


def wait_timeout(argv: list[str]) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    for word in argv:
        if word.startswith("--timeout="):
            value = word.split("=", 1)[1]
            return float(value[:-1]) * units[value[-1]] if value[-1:] in units else float(value or 0)
    return 0


def first_command_index(argv: list[str]) -> int:
    """`docker exec [flags] CONTAINER COMMAND...`: the command starts after the container."""
    words = argv[2:]
    flags_with_values = {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file"}
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in flags_with_values else 1
    return 2 + index + 1


def reads_only(command: list[str]) -> bool:
    """True only for a program that reads and returns at once; anything else is not run."""
    if not command:
        return False
    program = os.path.basename(command[0])
    if program == "env":  # env [-u NAME] [NAME=value]... PROGRAM ARGS: judge PROGRAM
        rest = command[1:]
        while rest and (rest[0] == "-u" or "=" in rest[0] or rest[0].startswith("-")):
            rest = rest[2:] if rest[0] == "-u" else rest[1:]
        return reads_only(rest)
    if program == "redis-cli":
        words = [w for w in command[1:] if not w.startswith("-")]
        return bool(words) and words[0].lower() in READ_ONLY_REDIS
    if program == "sh" and command[1:2] == ["-c"] and len(command) > 2:
        simple = not any(sign in command[2] for sign in ";&|<>`$(\n")  # one command, no redirection
        return simple and reads_only(shlex.split(command[2]))
    return program in READ_ONLY_PROGRAMS
