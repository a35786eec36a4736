"""How long each lesson takes a person, from what the notebook asks of them.

    .venv/bin/python benchmarks/lesson_pace.py [--machine 04=85,05=203,...]

A person's time is not the machine's: they read the markdown, read the code they run,
type the `%%bash` cells, commit a prediction, and get each exercise wrong once. The rates
below are the plan (an instructor's rule of thumb, not a measurement of people); the
machine's seconds are the test run's cell times (docs/instructor.md).
"""

import argparse
import json
import math
import re
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
READING_WPM = 120  # technical prose read carefully, with tables and charts to look at
CODE_LINES_PER_MINUTE = 10  # the Python cells the learner runs without typing
MINUTES_PER_TYPED_CELL = 1.5  # read, type, run, read the output
MINUTES_PER_PREDICTION = 1
MINUTES_PER_EXERCISE = 8  # read the task, one wrong try, its hint, the right answer
EXERCISE = re.compile(r"\b(check_\w+|mystery\.check_fix)\(")
# The last CI run's cell times per lesson, in seconds (docs/instructor.md).
# Lesson 0 on a learner's first start: the first kind cluster and the images (about 3 min).
MACHINE_SECONDS = {"00": 180, "01": 16, "02": 22, "03": 24, "04": 60, "05": 110, "06": 95}


def pace(path: Path, machine_seconds: float) -> dict:
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(cell["source"]) for cell in cells]
    markdown = [s for s, c in zip(sources, cells, strict=False) if c["cell_type"] == "markdown"]
    code = [s for s, c in zip(sources, cells, strict=False) if c["cell_type"] == "code"]
    words = sum(len(s.split()) for s in markdown)
    typed = [s for s in code if s.startswith(("%%bash", "%%writefile"))]
    code_lines = sum(len(s.splitlines()) for s in code if s not in typed)
    # a predictions.ask is one answer; the matrix's table of guesses (lesson 5) is six
    predictions = sum(s.count("predictions.ask(") + 6 * s.count("with_predictions(") for s in code)
    exercises = len({match for s in code for match in EXERCISE.findall(s)})
    minutes = (
        words / READING_WPM
        + code_lines / CODE_LINES_PER_MINUTE
        + len(typed) * MINUTES_PER_TYPED_CELL
        + predictions * MINUTES_PER_PREDICTION
        + exercises * MINUTES_PER_EXERCISE
        + machine_seconds / 60
    )
    return {
        "lesson": path.stem,
        "words": words,
        "typed cells": len(typed),
        "code lines": code_lines,
        "predictions": predictions,
        "exercises": exercises,
        "machine s": machine_seconds,
        "minutes": 5 * math.ceil(minutes / 5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", default="", help="cell times, e.g. 04=85,05=203 (seconds)")
    machine = dict(MACHINE_SECONDS)
    for pair in filter(None, parser.parse_args().machine.split(",")):
        number, seconds = pair.split("=")
        machine[number] = float(seconds)
    rows = [pace(path, machine.get(path.name[:2], 0)) for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))]
    print(" | ".join(rows[0]))
    for row in rows:
        print(" | ".join(str(value) for value in row.values()))


if __name__ == "__main__":
    main()
