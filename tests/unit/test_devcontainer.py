"""The devcontainer (Codespaces, VS Code): valid, and consistent with the rest of the course:
its scripts exist, kind is the version the GitHub workflow pins, JupyterLab's port is the
one forwarded, and the course command it runs exists."""

import json
import re
import subprocess

import jsonschema

from lab.core import settings

FOLDER = settings.REPO_ROOT / ".devcontainer"


def devcontainer() -> dict:
    return json.loads((FOLDER / "devcontainer.json").read_text())


def test_it_is_valid_against_the_devcontainer_schema():
    schema = json.loads((settings.REPO_ROOT / "tests" / "schemas" / "devcontainer.schema.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(devcontainer())
    broken = {**devcontainer(), "forwardPort": [8888]}  # a typo the schema must catch
    assert not jsonschema.Draft201909Validator(schema).is_valid(broken)


def test_docker_in_docker_kind_and_kubectl_are_there():
    config = devcontainer()
    assert any(feature.startswith("ghcr.io/devcontainers/features/docker-in-docker:") for feature in config["features"])
    assert any(
        feature.startswith("ghcr.io/devcontainers/features/kubectl-helm-minikube:") for feature in config["features"]
    )
    workflow = (settings.REPO_ROOT / ".github" / "workflows" / "kind.yml").read_text()
    pinned = re.search(r"KIND_VERSION=(v[\d.]+)", (FOLDER / "install-kind.sh").read_text())[1]
    assert re.search(rf"version:\s*{re.escape(pinned)}\b", workflow), (
        f"kind {pinned} in the devcontainer, not in the workflow"
    )


def test_its_commands_exist_and_jupyterlab_is_forwarded():
    config = devcontainer()
    for script in re.findall(r"\.devcontainer/[\w-]+\.sh", json.dumps(config)):
        path = settings.REPO_ROOT / script
        assert path.is_file(), script
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0, script
    assert config["postCreateCommand"] == "./course setup"
    assert re.search(r"^\s+setup\)", (settings.REPO_ROOT / "course").read_text(), re.M)
    assert 8888 in config["forwardPorts"]
    assert "127.0.0.1:8888" in (FOLDER / "jupyter-url.sh").read_text()
