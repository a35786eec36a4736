"""Notebook niceties: a LabError or a failed check shows as its one-line message,
not a traceback. The cell still fails (so nbval still fails the test); only the
display changes.
"""

from types import TracebackType
from typing import TYPE_CHECKING

from lab.core.errors import LabError

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell


def show_lab_errors_as_one_line() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def one_line(
        shell: "InteractiveShell",
        etype: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        tb_offset: int | None = None,
    ) -> list[str]:
        short_traceback = [f"\N{CROSS MARK} {etype.__name__}: {value}"]
        # Publish it as the cell's error output: Jupyter shows it, and nbval fails the cell.
        shell._showtraceback(etype, value, short_traceback)
        return short_traceback

    shell.set_custom_exc((LabError,), one_line)  # CheckFailed is one
