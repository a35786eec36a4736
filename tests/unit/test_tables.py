"""Rows keyed by identifiers; the labels appear only where the table is shown."""

from lab.course import auth_trap, loading_demo, readiness_demo, rollout_demo
from lab.course.experiments import LABELS as MATRIX_LABELS
from lab.views.tables import Table


def test_labels_head_the_columns_and_unlabelled_keys_show_as_they_are():
    table = Table([{"pid1": "tini", "zombies": 0, "extra": "x"}], labels={"pid1": "PID 1"})
    text = str(table).splitlines()
    assert text[0].split() == ["PID", "1", "zombies", "extra"]
    assert "<th>PID 1</th><th>zombies</th><th>extra</th>" in table._repr_html_()


def test_every_label_map_names_identifiers_only():
    for labels in (MATRIX_LABELS, readiness_demo.LABELS, loading_demo.LABELS, rollout_demo.LABELS, auth_trap.LABELS):
        assert all(key.isidentifier() and key.islower() for key in labels), labels
