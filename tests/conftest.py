"""Shared fixtures. Integration tests run against the real Docker Engine: if it does not
answer, they fail with the fix (they are never skipped)."""

import os

import pytest

import lab


@pytest.fixture(scope="session")
def docker_engine():
    try:
        return lab.client()
    except lab.LabError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def participant(monkeypatch, docker_engine):
    """A prefix of this test's own, so tests never touch the notebooks' containers; reset after."""
    monkeypatch.setenv("LAB_PREFIX", f"t{os.getpid() % 100000}")
    yield lab.core.settings.prefix()
    lab.reset(images=False)


@pytest.fixture(scope="session")
def tini_image(docker_engine):
    return lab.build_image(quiet=True)
