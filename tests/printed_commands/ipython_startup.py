"""Run by every notebook kernel the test suite starts (conftest.py copies it into the
kernels' IPYTHONDIR as a startup file): with LAB_CHECK_COMMANDS set, the checker listens to
the lab's console in that kernel. The lab knows nothing of it."""

import os
import sys

if os.environ.get("LAB_CHECK_COMMANDS"):
    sys.path.insert(0, os.environ["LAB_REPO_ROOT"])  # the tests package, beside lab/
    from tests.printed_commands.checker import install

    install()
