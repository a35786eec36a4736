"""The lab's own errors: one line that says what went wrong and how to fix it.

In a notebook these print as that one line (see ``lab.views.notebook``), never as a
traceback from three libraries down.
"""


class LabError(Exception):
    """Something the learner can fix; the message says how."""


class LabTimeout(LabError):
    """A bounded wait ran out; the message says what was awaited."""
