"""Lesson 4's answer in k8s/redis.yaml: the file parsed, the learner's livenessProbe put
under the container named redis of the Deployment named redis, and the result dumped as
YAML, validated, and written to work/ to apply. The file is edited as data, never as
text, and whatever is wrong with it or with the answer is a one-line LabError.

The paths are parameters: lab.course.exercises passes its REDIS_MANIFEST and WORK_DIR."""
import os
from pathlib import Path
from typing import List

import yaml

from lab.core import json_types, settings
from lab.core.errors import LabError
from lab.course.exercises.liveness import LIVENESS
from lab.course.exercises.registry import answer_or_solution
from lab.targets.manifests import Manifest, parse, validate

SOURCE = "k8s/redis.yaml"   # how messages name the file, wherever it is read from
RESTORE = "Fix: restore it with git checkout k8s/redis.yaml"


def _dump(objects: List[Manifest]) -> str:
    """The manifests as YAML, fields in their original order (comments do not survive)."""
    return yaml.safe_dump_all([m.body for m in objects], sort_keys=False, default_flow_style=False)


def _read(path: Path) -> List[Manifest]:
    try:
        text = path.read_text()
    except OSError as error:
        raise LabError(f"{SOURCE} could not be read ({error.strerror or error}). {RESTORE}") from None
    return parse(text, SOURCE)


def _mapping(value: object) -> json_types.Manifest:
    """``value`` if it is a mapping, else an empty one: a field of the wrong shape counts as missing."""
    return value if isinstance(value, dict) else {}


def _redis_container(objects: List[Manifest]) -> json_types.Manifest:
    """The container named redis of the Deployment named redis, or a LabError that says which is missing."""
    deployment = next((m for m in objects if m.kind == "Deployment"
                       and _mapping(m.body.get("metadata")).get("name") == "redis"), None)
    if deployment is None:
        raise LabError(f"{SOURCE} has no Deployment named redis to add your probe to. {RESTORE}")
    pod_spec = _mapping(_mapping(_mapping(deployment.body.get("spec")).get("template")).get("spec"))
    containers = pod_spec.get("containers")
    found = [c for c in containers if isinstance(c, dict) and c.get("name") == "redis"] \
        if isinstance(containers, list) else []
    if not found:
        raise LabError(f"{SOURCE}: the Deployment redis has no container named redis to add your probe to. {RESTORE}")
    container: json_types.Manifest = found[0]
    return container


def _answer_probe(answer: str) -> json_types.Manifest:
    """The probe of a `livenessProbe:` answer; a LabError when the answer is not one yet."""
    try:
        block = yaml.safe_load(answer_or_solution(LIVENESS, answer))
    except yaml.YAMLError:
        block = None
    if not (isinstance(block, dict) and isinstance(block.get("livenessProbe"), dict)):
        raise LabError("your answer is not a livenessProbe block yet. Fix: run exercises.check_liveness_probe(answer) "
                       "and follow its hints.")
    probe: json_types.Manifest = block["livenessProbe"]
    return probe


def normalised(manifest: Path) -> str:
    """The file through the YAML round trip that with_probe uses."""
    return _dump(_read(manifest))


def with_probe(manifest: Path, answer: str) -> str:
    """The file with the answer's livenessProbe in the redis container, as YAML."""
    probe = _answer_probe(answer)
    objects = _read(manifest)
    _redis_container(objects)["livenessProbe"] = probe
    return _dump(objects)


def parsed_and_validated(text: str, source: str) -> List[Manifest]:
    objects = parse(text, source)
    for manifest in objects:
        validate(manifest)
    return objects


def write_with_probe(manifest: Path, work_dir: Path, answer: str) -> Path:
    """with_probe written to work_dir/04-redis.yaml, then checked against the Kubernetes schema."""
    path = work_dir / "04-redis.yaml"
    text = with_probe(manifest, answer)
    work_dir.mkdir(exist_ok=True)
    path.write_text(text)   # written first, so that a schema error names a file the learner can open
    parsed_and_validated(text, os.path.relpath(path, settings.REPO_ROOT))
    return path
