"""The GitHub Actions workflow that runs every notebook on a real kind cluster cannot run
here: check it against the workflow schema (check-jsonschema's vendored SchemaStore copy)
and against the README, kind-config.yaml and .ci/run it must agree with."""

import re
import subprocess
import sys

import yaml

from lab.core import settings

ROOT = settings.REPO_ROOT
WORKFLOW = ROOT / ".github" / "workflows" / "kind.yml"
JOB = yaml.safe_load(WORKFLOW.read_text())["jobs"]["kind"]
STEPS = JOB["steps"]


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    return re.search(r"^(\./course test)\b", readme, re.M).group(1)


def test_workflow_matches_the_github_actions_schema():
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    text = WORKFLOW.read_text()
    for step in STEPS:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            assert re.search(re.escape(step["uses"]) + r" # v\d+\.\d+\.\d+$", text, re.M), step["uses"]


def test_the_checkout_keeps_no_credentials():
    checkout = next(s for s in STEPS if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


def test_kind_cluster_is_the_one_the_lab_expects():
    kind = next(s for s in STEPS if s.get("uses", "").startswith("helm/kind-action@"))
    config = yaml.safe_load((ROOT / kind["with"]["config"]).read_text())
    assert kind["with"]["config"] == "kind-config.yaml"
    assert kind["with"]["cluster_name"] == config["name"]


def test_it_runs_the_readme_test_command_with_kind_as_the_kubernetes():
    run = next(s for s in STEPS if "run" in s and "course" in s["run"])
    assert run["run"].strip() == readme_test_command()
    assert run["env"] == {"LAB_TARGET": "kind"}  # lessons 3-6 and the Kubernetes tests, on kind
    assert readme_test_command() in (ROOT / ".ci" / "run").read_text()  # the same command as CI here


def test_the_oldest_and_the_newest_kubernetes_run_on_node_images_pinned_by_digest():
    images = JOB["strategy"]["matrix"]["node_image"]
    minors = []
    for image in images:
        match = re.fullmatch(r"kindest/node:v1\.(\d+)\.\d+@sha256:[0-9a-f]{64}", image)
        assert match, image
        minors.append(int(match.group(1)))
    assert len(minors) == 2 and minors[0] < minors[1]
    kind = next(s for s in STEPS if s.get("uses", "").startswith("helm/kind-action@"))
    assert kind["with"]["node_image"] == "${{ matrix.node_image }}"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", kind["with"]["version"])
