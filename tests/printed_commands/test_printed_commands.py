"""Every command the notebooks printed is one a person can type as shown.

The notebooks ran earlier in this session with LAB_CHECK_COMMANDS set (see conftest.py):
the lab checked each distinct printed command on the engine that ran it, at the moment it
printed it (lab/core/command_check.py says how: read-only commands for real, mutating kubectl
with --dry-run=server, mutating docker through the CLI's parser). Here: every lesson on
every engine printed commands, and every one of them passed. The table of what was checked
is written to tests/artifacts/printed-commands.txt.
"""
import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import PRINTED_COMMANDS
from tests.helpers import kubernetes_or_fail

REPORT = Path(PRINTED_COMMANDS).with_suffix(".txt")


def _checked(engine: str):
    if not PRINTED_COMMANDS.exists():
        pytest.fail("no printed commands were recorded. Fix: run the whole suite (./course test), which runs "
                    "the notebooks first.", pytrace=False)
    lines = [json.loads(line) for line in PRINTED_COMMANDS.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["engine"] == engine]


def _write_report(engine: str, checked) -> None:
    with REPORT.open("a") as report:
        report.write(f"== {engine}: {len(checked)} distinct commands ==\n")
        for line in checked:
            report.write(f"{'ok ' if line['ok'] else 'BAD'} {line['lesson'] or '--'} [{line['mode']}] "
                         f"{line['command']}\n")


# "cluster": kind or the stand-in, as the learner's own cluster; "kubernetes": the two
# participants of tests/kubernetes/test_two_participants.py, each in a workshop room's namespace.
@pytest.mark.parametrize("engine,lessons", [("docker", {"00", "01", "02", "03", "04", "05"}),
                                            ("cluster", {"03", "04", "05"}),
                                            ("kubernetes", {"04", "05"})],
                         ids=["docker", "own-cluster", "room-participants"])
def test_every_printed_command_runs(engine, lessons):
    if engine == "cluster":
        engine = kubernetes_or_fail()
    checked = _checked(engine)
    _write_report(engine, checked)
    seen = {line["lesson"] for line in checked}
    assert lessons <= seen, f"no printed commands recorded on {engine} for lesson(s) {sorted(lessons - seen)}"
    bad = [f"lesson {line['lesson']}: $ {line['command']}  [{line['mode']}] -> {line['detail'][-200:]}"
           for line in checked if not line["ok"]]
    modes = Counter(line["mode"].split(" with ")[0] for line in checked)
    print(f"{engine}: {len(checked)} commands checked: " + ", ".join(f"{n} {mode}" for mode, n in modes.items()))
    assert not bad, f"{len(bad)} printed command(s) fail on {engine}:\n" + "\n".join(bad)
