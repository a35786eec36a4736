"""Lesson 0's kind step, in order: create the cluster or reuse it, then load each image the
way this machine's Docker image store needs. kind itself cannot run on this machine (its
node image cannot be pulled), so a `kind` that records its arguments stands in for the
binary; the image store is read from the real Docker Engine."""

import json
import os
import subprocess

import pytest

from lab.core.errors import LabError
from lab.targets.kubernetes import kind_load
from lab.targets.kubernetes.clusters import KindCluster

RECORDING_KIND = """#!/bin/sh
echo "$@" >> "$KIND_RECORD"
case "$1 $2" in
  "get clusters") cat "$KIND_CLUSTERS" 2>/dev/null || echo "No kind clusters found." >&2 ;;
  "create cluster") echo " ✓ Ensuring node image"; echo redis-tini-lab > "$KIND_CLUSTERS"
                    [ -n "$KIND_FAIL" ] && { echo "ERROR: failed to create cluster" >&2; exit 1; }
                    echo " ✓ Preparing nodes" ;;
  "delete cluster") rm -f "$KIND_CLUSTERS" ;;
esac
"""


@pytest.fixture
def recording_kind(tmp_path, monkeypatch):
    binary = tmp_path / "bin" / "kind"
    binary.parent.mkdir()
    binary.write_text(RECORDING_KIND)
    binary.chmod(0o755)
    monkeypatch.setenv("PATH", f"{binary.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("KIND_RECORD", str(tmp_path / "record"))
    monkeypatch.setenv("KIND_CLUSTERS", str(tmp_path / "clusters"))
    return tmp_path / "record"


def test_the_image_store_is_what_docker_info_says(docker_engine):
    out = subprocess.run(
        ["docker", "info", "-f", "{{json .DriverStatus}}"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    pairs = dict(json.loads(out) or [])
    expected = "containerd" if pairs.get("driver-type") == kind_load.CONTAINERD_SNAPSHOTTER else "classic"
    assert kind_load.image_store() == expected


def test_prepare_creates_the_cluster_once_then_loads_each_image(recording_kind, docker_engine, capsys):
    images = ["redis-tini-lab/redis:7.2.4-tini", "redis-tini-lab/dockercoins:1.0"]
    KindCluster().prepare(images)
    first = capsys.readouterr().out
    KindCluster().prepare(images)
    second = capsys.readouterr().out
    calls = recording_kind.read_text().splitlines()
    assert sum(call.startswith("create cluster") for call in calls) == 1
    assert "  ✓ Preparing nodes" in first  # kind's own progress, shown as it comes
    assert "[1/3] the kind cluster redis-tini-lab" in first and "[3/3] load redis-tini-lab/dockercoins:1.0" in first
    assert "cluster redis-tini-lab exists: reusing it" in second
    loads = [call for call in calls if call.startswith("load ")]
    assert len(loads) == 2 * len(images)  # one kind load per image, each time: kind skips what the node has
    how = (
        "docker-image redis-tini-lab/redis:7.2.4-tini"
        if kind_load.image_store() == "classic"
        else "image-archive work/images/redis-tini-lab_redis_7.2.4-tini.tar"
    )
    assert loads[0] == f"load {how} --name redis-tini-lab"


def test_a_create_that_fails_removes_the_unfinished_cluster(recording_kind, docker_engine, monkeypatch):
    monkeypatch.setenv("KIND_FAIL", "1")
    with pytest.raises(LabError) as failed:
        KindCluster().prepare(["redis-tini-lab/redis:7.2.4-tini"])
    assert "failed to create cluster" in str(failed.value)
    calls = recording_kind.read_text().splitlines()
    assert calls[-1] == "delete cluster --name redis-tini-lab"  # the next run starts clean, not "reusing" it
