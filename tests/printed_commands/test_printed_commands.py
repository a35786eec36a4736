"""Every command the notebooks printed is one a person can type as shown; and the commands
the learner types in the %%bash cells are shell a terminal takes, with programs that exist.

The notebooks ran earlier in this session with LAB_CHECK_COMMANDS set (see conftest.py):
the lab checked each distinct printed command on the engine that ran it, at the moment it
printed it (tests/printed_commands/checker.py says how: read-only commands for real, mutating kubectl
with --dry-run=server, mutating docker through the CLI's parser). Here: every lesson on
every engine printed commands, and every one of them passed. The table of what was checked
is written to tests/artifacts/printed-commands.txt.
"""

import json
import shlex
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from conftest import PRINTED_COMMANDS
from tests.helpers import kubernetes_or_fail

REPORT = Path(PRINTED_COMMANDS).with_suffix(".txt")


def _checked(engine: str):
    if not PRINTED_COMMANDS.exists():
        pytest.fail(
            "no printed commands were recorded. Fix: run the whole suite (./course test), which runs "
            "the notebooks first.",
            pytrace=False,
        )
    lines = [json.loads(line) for line in PRINTED_COMMANDS.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["engine"] == engine]


def _write_report(engine: str, checked) -> None:
    with REPORT.open("a") as report:
        report.write(f"== {engine}: {len(checked)} distinct commands ==\n")
        for line in checked:
            report.write(
                f"{'ok ' if line['ok'] else 'BAD'} {line['lesson'] or '--'} [{line['mode']}] {line['command']}\n"
            )


# "cluster": kind or the stand-in, as the learner's own cluster (lesson 0 prints there once a cluster is up,
# always in its run under tests/kubernetes/); "kubernetes": the two
# participants of tests/kubernetes/test_two_participants.py, each in a workshop room's namespace.
@pytest.mark.parametrize(
    "engine,lessons",
    [("docker", {"01", "02"}), ("cluster", {"00", "03", "04", "05", "06"}), ("kubernetes", {"03", "05"})],
    ids=["docker", "own-cluster", "room-participants"],
)
def test_every_printed_command_runs(engine, lessons):
    if engine == "cluster":
        engine = kubernetes_or_fail()
    checked = _checked(engine)
    _write_report(engine, checked)
    seen = {line["lesson"] for line in checked}
    assert lessons <= seen, f"no printed commands recorded on {engine} for lesson(s) {sorted(lessons - seen)}"
    bad = [
        f"lesson {line['lesson']}: $ {line['command']}  [{line['mode']}] -> {line['detail'][-200:]}"
        for line in checked
        if not line["ok"]
    ]
    modes = Counter(line["mode"].split(" with ")[0] for line in checked)
    print(f"{engine}: {len(checked)} commands checked: " + ", ".join(f"{n} {mode}" for mode, n in modes.items()))
    assert not bad, f"{len(bad)} printed command(s) fail on {engine}:\n" + "\n".join(bad)


NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0[0-9]-*.ipynb"))
TOOLS = ("docker", "kind", "kubectl")


def bash_cells(path: Path):
    """The learner's commands: the body of every %%bash cell of a notebook."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        cell.source.split("\n", 1)[1]
        for cell in cells
        if cell.cell_type == "code" and cell.source.startswith("%%bash\n")
    ]


OPERATORS = {";", "|", "||", "&&", "&", "(", ")"}
LEADING_KEYWORDS = {"do", "then", "else", "if", "while", "!"}  # a command follows them


def alternatives(script: str):
    """The programs a script runs, command by command, as bash reads them (quotes, comments,
    |, &&, ;, do, then ...; a `for` header names none). `a || b` is one list: either will do."""
    groups = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        expect_program, in_for_header, after = True, False, None
        for token in lexer:
            if token in OPERATORS:
                expect_program, in_for_header, after = True, False, token
            elif in_for_header or token in LEADING_KEYWORDS or token in ("done", "fi"):
                continue
            elif token == "for":
                in_for_header = True
            elif expect_program:
                expect_program = False
                if after == "||" and groups:
                    groups[-1].append(token)
                else:
                    groups.append([token])
    return groups


def programs(script: str):
    return [program for group in alternatives(script) for program in group]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_learners_commands_are_shell_a_terminal_takes(path):
    for script in bash_cells(path):
        checked = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True, timeout=10)
        assert checked.returncode == 0, f"{path.name}: not valid shell:\n{script}\n{checked.stderr}"
        missing = [group for group in alternatives(script) if not any(p in TOOLS or shutil.which(p) for p in group)]
        assert not missing, f"{path.name}: {missing} not found, in:\n{script}"


@pytest.mark.parametrize("name", ["02", "03", "04", "05", "06"])
def test_the_learner_runs_the_tools_in_at_least_three_cells_of_each_lesson(name):
    path = next(p for p in NOTEBOOKS if p.name.startswith(name))
    using_tools = [s for s in bash_cells(path) if any(p in TOOLS for p in programs(s))]
    assert len(using_tools) >= 3, f"{path.name}: {len(using_tools)} cells where the learner runs {TOOLS}"
