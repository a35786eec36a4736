"""Lesson 4 runs first of the Kubernetes lessons (pytest.ini), on its own: a learner may open
it without lesson 3, and it must deploy DockerCoins itself (dockercoins.ensure_running).
This empties the notebooks' namespace first, as a reset would, so nbval's run of lesson 4
right after is that learner's; lesson 3 then runs over what lesson 4 left (its probe on the
live redis), as a learner going back would, and test_learner_order.py takes both again."""

import lab


def test_the_notebooks_namespace_is_empty_before_lesson_4(kube_target_name, monkeypatch):
    monkeypatch.setenv("LAB_TARGET", kube_target_name)
    target = lab.target()
    target.delete()
    assert target.deployments() == []
