"""The lab's own errors: one line that says what went wrong and how to fix it.

In a notebook these print as that one line (see ``lab.views.notebook``), never as a
traceback from three libraries down.
"""


class LabError(Exception):
    """Something the learner can fix; the message says how."""


class LabTimeout(LabError):
    """A bounded wait ran out; the message says what was awaited."""


class CheckFailed(LabError, AssertionError):
    """A lesson's expectation did not hold; the message says what and hints why. An
    AssertionError too, so that pytest and nbval report it as a failed check."""

    mistake: str | None = None  # an exercise's: which kind of wrong answer (lab.course.exercises)
    hint_level: int | None = None  # and the hint shown with it, 1 to 3
