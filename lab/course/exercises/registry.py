"""What every exercise shares: the Exercise and Mistake types, the escalating hints, failing
and passing a check, the learner's answer (or, under CI, the course's solution), and
reading an answer as YAML. Hint texts that several exercises use live here too."""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn

import yaml

from lab.core import config, settings
from lab.core.console import passed as print_pass
from lab.core.errors import CheckFailed
from lab.course import progress

PLACEHOLDER = "# your answer here"
SOLUTIONS_DIR = settings.REPO_ROOT / "solutions"
HINT_LEVELS = 3

YAML_CONCEPT = (
    "YAML nests by indentation: a key's fields sit under it, indented further, and every key ends with a colon."
)
YAML_FIELD = (
    "look at the line and column named: indent with spaces (two per level, never tabs), a colon after each key."
)
UNKNOWN_FIELD_CONCEPT = (
    "kubectl apply rejects a field the API does not know (strict field validation), "
    "so every name must be exact, capitals included."
)


@dataclass(frozen=True)
class Mistake:
    """One kind of wrong answer, and its hints from the general to the exact."""

    concept: str  # hint 1: why it is wrong
    field: str  # hint 2: which field or instruction to change
    answer: str  # hint 3: the text to write

    def hint(self, level: int) -> str:
        return (self.concept, self.field, self.answer)[level - 1]


def invalid_yaml(answer: str) -> Mistake:
    """The mistake every YAML answer can make: text that does not parse."""
    return Mistake(YAML_CONCEPT, YAML_FIELD, answer)


@dataclass(frozen=True)
class Exercise:
    key: str  # also the solution's file name in solutions/
    lesson: str
    title: str
    mistakes: Mapping[str, Mistake] = field(compare=False, repr=False)  # by mistake id


# (exercise key, mistake id) -> the hint level shown last; in memory, so a new kernel starts over
_hint_levels: dict[tuple[str, str], int] = {}


def reset_hints() -> None:
    """Start every exercise's hints over at level 1."""
    _hint_levels.clear()


def _next_hint_level(exercise: Exercise, mistake_id: str) -> int:
    key = (exercise.key, mistake_id)
    _hint_levels[key] = min(_hint_levels.get(key, 0) + 1, HINT_LEVELS)
    return _hint_levels[key]


def _check_failed(message: str, mistake: str, hint_level: int | None) -> CheckFailed:
    """A CheckFailed that tests (and curious learners) can ask which mistake it was."""
    error = CheckFailed(message)
    error.mistake, error.hint_level = mistake, hint_level
    return error


def fail(exercise: Exercise, mistake_id: str, what: str) -> NoReturn:
    """Fail with what is wrong in this answer, and the next hint for this kind of mistake."""
    level = _next_hint_level(exercise, mistake_id)
    hint = exercise.mistakes[mistake_id].hint(level)
    more = " (run the cell again for a more specific hint)" if level < HINT_LEVELS else ""
    raise _check_failed(f"{exercise.title}: {what} Hint {level} of {HINT_LEVELS}: {hint}{more}", mistake_id, level)


def fail_if_zombies_measured(exercise: Exercise, measured: Mapping[str, object], failed: str, detail: str = "") -> None:
    """A measured stall's verdict on what it left: any zombie is the mistake "zombies-measured"."""
    if measured["zombies"] != 0:
        zombies = f"{measured['zombies']} zombies" + (f" ({detail})" if detail else "")
        fail(exercise, "zombies-measured", f"measured {measured['timed_out_probes']} {failed} and {zombies}.")


def passed(exercise: Exercise, message: str) -> None:
    """PASS, recorded in the participant's progress; the exercise's hints start over."""
    for key in [k for k in _hint_levels if k[0] == exercise.key]:
        del _hint_levels[key]
    progress.record(exercise.key)
    print_pass(f"{exercise.title}: {message}")


def answer_or_solution(exercise: Exercise, answer: str) -> str:
    """The learner's answer; under CI (LAB_SOLUTIONS=1) an unanswered exercise is checked
    with the course's own solution, so every exercise is proven solvable."""
    if answer.strip() and answer.strip() != PLACEHOLDER:
        return answer
    if config.current().solutions:
        print(f"(LAB_SOLUTIONS=1: checking the course's solution, solutions/{exercise.key})")
        return (SOLUTIONS_DIR / exercise.key).read_text()
    raise _check_failed(
        f"{exercise.title}: no answer yet. Write it in the cell above, in place of '{PLACEHOLDER}'.", "no-answer", None
    )


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def load_yaml(exercise: Exercise, text: str) -> object:
    """The answer as YAML: whatever it holds (the checks look at its shape), or an invalid-yaml failure."""
    try:
        loaded: object = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        fail(exercise, "invalid-yaml", f"this is not valid YAML{where} ({getattr(error, 'problem', None) or error}).")
    return loaded
