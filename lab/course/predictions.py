"""Predict, then measure. Before a demonstration the learner picks an answer; the cell that
runs the demonstration commits it (and refuses to run without one); the measurement is then
shown beside it and both are kept in the participant's progress.

    guess = predictions.ask("01-orphan")    # the question, and the answers to pick from
    guess.commit()                          # first line of the demo's cell: the pick is final
    ...                                     # the demonstration, the learner's own command
    guess.reveal(measured)                  # what happened, beside what was predicted

A wrong prediction is not a failed check: it is the point of asking. Under CI
(LAB_SOLUTIONS=1) the prediction is the course's own answer, so `reveal` then checks the
lesson's claim against the measurement, and fails when the two disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass

from lab.core import config
from lab.core.console import passed as print_pass
from lab.core.errors import CheckFailed
from lab.course import progress


@dataclass(frozen=True)
class Question:
    key: str  # lesson number first: "01-orphan"
    text: str
    choices: tuple[tuple[str, str], ...]  # (id, what the learner reads)
    solution: str  # the id the course's text predicts

    def label(self, choice: str) -> str:
        return dict(self.choices).get(choice, choice)


QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in [
        Question(
            "01-orphan",
            "A shell in redis' container starts `sleep 2` in the background and exits at once. "
            "Two seconds later `sleep` exits. What is left of it?",
            (
                ("gone", "nothing: it is reaped and gone"),
                ("zombie-of-pid1", "a zombie whose parent is PID 1, redis-server"),
                ("zombie-of-sh", "a zombie whose parent is the shell that started it"),
            ),
            "zombie-of-pid1",
        ),
        Question(
            "01-sigterm",
            "`sleep infinity` runs as PID 1 of a container, and gets SIGTERM. What happens?",
            (("exits", "it exits at once (SIGTERM's default action)"), ("keeps-running", "nothing: it keeps running")),
            "keeps-running",
        ),
        Question(
            "02-pid1-yours",
            "Your image runs. Which process is PID 1?",
            (("tini", "tini"), ("docker-entrypoint.sh", "docker-entrypoint.sh"), ("redis-server", "redis-server")),
            "tini",
        ),
        Question(
            "02-pid1-lecture",
            "The lecture's image adds tini but keeps the official ENTRYPOINT. Which process is PID 1?",
            (("tini", "tini"), ("redis-server", "redis-server")),
            "redis-server",
        ),
        Question(
            "02-healthcheck",
            "Docker's shell-form health check (`/bin/sh -c 'redis-cli ping'`) times out while "
            "redis is stalled, in the container whose PID 1 is redis-server. What is left when the stall ends?",
            (
                ("none", "nothing: Docker cleans up what its health check started"),
                ("leaks", "one or more zombie redis-cli under redis-server"),
            ),
            "leaks",
        ),
        Question(
            "03-pid1-upstream",
            "k8s/redis.yaml runs the official redis image as is. In the redis pod's container, which process is PID 1?",
            (
                ("redis-server", "redis-server"),
                ("pause", "pause, the pod's sandbox"),
                ("docker-entrypoint.sh", "docker-entrypoint.sh"),
                ("tini", "tini"),
            ),
            "redis-server",
        ),
        Question(
            "04-readiness",
            "redis keeps answering, but its only readiness probe fails for 6 s. What happens?",
            (
                ("restarted", "the kubelet restarts redis"),
                ("unreachable", "redis keeps running, but new connections to the Service `redis` fail"),
                ("nothing", "nothing a client notices: redis answers"),
            ),
            "unreachable",
        ),
        Question(
            "04-stall",
            "redis is paused for 60 s. When does your liveness probe get it restarted?",
            (
                ("after-threshold", "after about failureThreshold x periodSeconds"),
                ("after-pause", "only once the pause ends, 60 s later"),
                ("never", "never: a paused redis is still a running process"),
            ),
            "after-threshold",
        ),
        Question(
            "05-zombie-parent",
            "The probe `sh -c 'redis-cli ping'` times out and containerd kills `sh`. When the "
            "pause ends, `redis-cli` exits. Whose zombie is it?",
            (
                ("none", "no zombie: it is reaped"),
                ("pid1", "PID 1's, redis-server"),
                ("shim", "the containerd shim's, outside the container"),
            ),
            "pid1",
        ),
        Question(
            "06-load",
            "A load generator keeps redis busy with slow scripts: redis answers every command, only "
            "late (a PING waits behind the scripts queued before it). What does the strict liveness probe "
            "(timeoutSeconds 1, failureThreshold 3) do?",
            (
                ("nothing", "nothing: redis answers"),
                ("waits", "it waits: a late reply is still a reply"),
                ("restarts", "its runs time out, and the kubelet restarts redis"),
            ),
            "restarts",
        ),
        Question(
            "06-tcp-socket",
            "redis is paused: it answers no command. Does a tcpSocket probe on port 6379 pass?",
            (("passes", "it passes"), ("fails", "it fails, as `redis-cli ping` does")),
            "passes",
        ),
    ]
}


class Prediction:
    """One question on screen: its answers as radio buttons, and the pick once committed."""

    def __init__(self, question: Question):
        self.question = question
        saved = progress.predictions().get(question.key)
        self.committed: str | None = None
        self._buttons = self._widget(saved["predicted"] if saved else None)

    def _widget(self, value: str | None) -> object:
        try:
            import ipywidgets as widgets
        except ImportError:  # a plain Python: the learner passes the answer to commit()
            return None
        options = [(label, choice) for choice, label in self.question.choices]
        return widgets.RadioButtons(options=options, value=value, layout={"width": "max-content"})

    def show(self) -> "Prediction":
        print(f"Predict: {self.question.text}")
        if self._buttons is not None:
            from IPython.display import display as ipython_display

            display: Callable[..., None] = ipython_display  # IPython's display() has no annotations
            display(self._buttons)
        return self

    def commit(self, answer: str | None = None) -> str:
        """The pick, final from now on; without one the demonstration does not run."""
        picked = answer or self.committed or getattr(self._buttons, "value", None)
        if picked is None and config.current().solutions:
            picked = self.question.solution
            print(f"(LAB_SOLUTIONS=1: the course's prediction, {self.question.label(picked)!r})")
        if picked is None:
            choices = ", ".join(repr(choice) for choice, _ in self.question.choices)
            raise CheckFailed(
                f"Predict first: pick an answer above (or pass one of {choices} to commit()), then run this cell again."
            )
        if picked not in dict(self.question.choices):
            raise CheckFailed(f"{picked!r} is not one of the answers: {', '.join(dict(self.question.choices))}.")
        self.committed = picked
        if self._buttons is not None:
            self._buttons.value, self._buttons.disabled = picked, True  # type: ignore[attr-defined]
        progress.record_prediction(self.question.key, picked)
        return picked

    def reveal(self, measured: str) -> bool:
        """The measurement beside the prediction; True when they match."""
        predicted = self.committed or self.commit()
        progress.record_prediction(self.question.key, predicted, measured)
        question = self.question
        print(f"you predicted: {question.label(predicted)}\nmeasured:      {question.label(measured)}")
        if config.current().solutions and measured != question.solution:
            raise CheckFailed(
                f"the course says {question.label(question.solution)!r}, the measurement says "
                f"{question.label(measured)!r}: the lesson's claim does not hold here"
            )
        if predicted == measured:
            print_pass("your prediction matched the measurement")
        else:
            print("not what you predicted: the next cells say why")
        return predicted == measured


def ask(key: str) -> Prediction:
    """Show question ``key`` and the answers to pick from."""
    try:
        question = QUESTIONS[key]
    except KeyError:
        raise CheckFailed(f"no question {key!r}; the questions: {', '.join(QUESTIONS)}") from None
    return Prediction(question).show()


def summary() -> str:
    """One line per prediction made: predicted, measured."""
    made = progress.predictions()

    def label(key: str, choice: str | None) -> str:
        return "(not yet)" if choice is None else QUESTIONS[key].label(choice) if key in QUESTIONS else choice

    lines = [
        f"{key}: predicted {label(key, guess['predicted'])}; measured {label(key, guess['measured'])}"
        for key, guess in sorted(made.items())
    ]
    return "\n".join(lines + [f"predictions right: {progress.predictions_right(made)}"])
