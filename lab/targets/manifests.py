"""Read the Kubernetes manifests in k8s/: YAML errors and schema errors become one line
that names the file and the problem. The Kubernetes target applies what this module returns."""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from lab.core import json_types, settings
from lab.core.errors import LabError

MANIFESTS_DIR = settings.REPO_ROOT / "k8s"
KUBERNETES_VERSION = "1.33.0"  # the schema version manifests are checked against (kind's node)


def shown_path(path: str | Path) -> str:
    """A manifest's path as a person types it from the repository's root (work/05-matrix.yaml)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(settings.REPO_ROOT))
    except ValueError:
        return str(path)  # outside the repository: the full path is the one to type


@dataclass
class Manifest:
    source: str  # file name, for messages
    body: json_types.KubeDict

    @property
    def kind(self) -> str:
        kind: str = self.body.get("kind", "")
        return kind

    @property
    def name(self) -> str:
        name: str = self.body.get("metadata", {}).get("name", "")
        return name


def parse(text: str, source: str) -> list[Manifest]:
    """Parse one YAML file (several documents allowed) into manifests."""
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise LabError(
            f"{source}{where}: invalid YAML ({problem}). Fix: check the indentation and the colon after each key."
        ) from None
    for document in documents:
        if not isinstance(document, dict) or "kind" not in document:
            raise LabError(f"{source}: every YAML document must be a Kubernetes object with a 'kind'.")
    return [Manifest(source, document) for document in documents]


def validate(manifest: Manifest) -> None:
    """Check against the Kubernetes API schema; unknown fields are errors (kubectl's strict mode)."""
    import kubernetes_validate  # slow import: only when validating

    try:
        kubernetes_validate.validate(manifest.body, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(p) for p in error.path) or "(top level)"
        raise LabError(f"{manifest.source}: {manifest.kind} {manifest.name}: {path}: {error.message}") from None
    except kubernetes_validate.SchemaNotFoundError:
        raise LabError(
            f"{manifest.source}: unknown kind {manifest.kind!r} / apiVersion {manifest.body.get('apiVersion')!r}"
        ) from None


def _read(path: Path) -> str:
    """A manifest file's text, or a one-line LabError that names the file and the fix."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabError(f"{path}: no such manifest. Fix: check the path (k8s/ holds the course's).") from None
    except UnicodeDecodeError as error:
        raise LabError(
            f"{path}: not UTF-8 text (byte {error.start}). Fix: save it as UTF-8, or start over "
            "from the course's copy in k8s/."
        ) from None
    except OSError as error:
        raise LabError(f"{path}: cannot be read ({error.strerror}). Fix: check its permissions.") from None


def load(paths: Iterable[Path] = ()) -> list[Manifest]:
    """Read and validate manifest files (default: every k8s/*.yaml)."""
    paths = list(paths) or sorted(MANIFESTS_DIR.glob("*.yaml"))
    manifests = []
    for path in paths:
        for manifest in parse(_read(Path(path)), Path(path).name):
            validate(manifest)
            manifests.append(manifest)
    return manifests


def _labelled(body: json_types.KubeDict) -> json_types.KubeDict:
    """The body with the participant's label, as the lab applies it: what you apply by hand
    from the file is then the lab's too (listed, and removed by reset)."""
    body = copy.deepcopy(body)
    body.setdefault("metadata", {}).setdefault("labels", {}).update(settings.labels())
    template = body.get("spec", {}).get("template")
    if template is not None:
        template.setdefault("metadata", {}).setdefault("labels", {}).update(settings.labels())
    return body


def write_work_file(file_name: str, objects: list[Manifest]) -> Path:
    """Write manifests the lab made to work/FILE (there to read, and to apply by hand: the
    lab applies this file, so the printed `kubectl apply -f work/FILE` is the real command)."""
    settings.WORK_DIR.mkdir(exist_ok=True)
    path = settings.WORK_DIR / file_name
    path.write_text(yaml.safe_dump_all([_labelled(manifest.body) for manifest in objects], sort_keys=False))
    return path
