"""run_tool, the one way the lab starts a tool: bounded, one-line failures (real processes)."""

import time

import pytest

from lab.core.errors import LabError, LabTimeout
from lab.engine.tools import run_tool, run_tool_showing_output


def test_output_is_captured_and_the_command_shown_as_typed(capsys):
    assert run_tool(["echo", "hello"], timeout=10, show=True).stdout == "hello\n"
    assert capsys.readouterr().out == "$ echo hello\n"


def test_a_failure_is_one_line_with_the_tools_last_words():
    with pytest.raises(LabError, match=r"^'sh -c echo' failed: boom$"):
        run_tool(["sh", "-c", "echo one >&2; echo boom >&2; exit 3"], timeout=10, show=["sh", "-c", "echo"])
    assert run_tool(["sh", "-c", "exit 3"], timeout=10, check=False).returncode == 3


def test_a_missing_tool_and_a_timeout_are_one_line_errors():
    with pytest.raises(LabError, match="no-such-tool-here is not installed"):
        run_tool(["no-such-tool-here"], timeout=10)
    started = time.monotonic()
    with pytest.raises(LabTimeout, match="did not finish within 0.5s"):
        run_tool(["sleep", "30"], timeout=0.5)
    assert time.monotonic() - started < 10


def test_a_slow_tools_lines_are_relayed_and_its_failure_named(capsys):
    with pytest.raises(LabError, match="failed: second"):
        run_tool_showing_output(["sh", "-c", "echo first; echo second; exit 1"], timeout=10, show=["kind", "create"])
    assert "  first\n  second\n" in capsys.readouterr().out
