"""Predictions: the demonstration's cell refuses to run without one; the pick is kept in the
participant's progress with its measurement; under LAB_SOLUTIONS=1 the course's answer is
the prediction and a measurement that disagrees fails the lesson's claim."""

import pytest

from lab.core.errors import CheckFailed
from lab.course import predictions, progress


@pytest.fixture(autouse=True)
def own_progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("LAB_KUBE_CONTEXT", raising=False)
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)


def test_no_pick_no_demonstration():
    guess = predictions.ask("01-sigterm")
    with pytest.raises(CheckFailed, match="Predict first"):
        guess.commit()


def test_a_wrong_prediction_is_recorded_not_failed(capsys):
    guess = predictions.ask("01-sigterm")
    guess.commit("exits")
    assert guess.reveal("keeps-running") is False
    assert "not what you predicted" in capsys.readouterr().out
    assert progress.predictions() == {"01-sigterm": {"predicted": "exits", "measured": "keeps-running"}}
    assert (
        progress.configmap_data({"exercises": [], "checks": {}, "predictions": progress.predictions()})["predictions"]
        == "0/1"
    )


def test_the_pick_is_final_once_committed():
    guess = predictions.ask("02-pid1-lecture")
    guess.commit("tini")
    guess._buttons.value = "redis-server"  # a click after the commit does not count: the widget is disabled
    assert guess._buttons.disabled and guess.commit() == "tini"


def test_an_answer_that_is_not_a_choice_is_named():
    with pytest.raises(CheckFailed, match="not one of the answers"):
        predictions.ask("02-pid1-lecture").commit("pause")


def test_under_solutions_the_course_predicts_and_a_disagreeing_measurement_fails(monkeypatch):
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    guess = predictions.ask("03-pid1-upstream")
    assert guess.commit() == "redis-server"
    assert guess.reveal("redis-server") is True
    with pytest.raises(CheckFailed, match="does not hold here"):
        predictions.ask("03-pid1-upstream").reveal("pause")


def test_every_question_predicts_one_of_its_own_answers():
    for question in predictions.QUESTIONS.values():
        assert question.solution in dict(question.choices), question.key
        assert question.key[:2] in {"01", "02", "03", "04", "05", "06"}
