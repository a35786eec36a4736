"""The exercises the learner does in files: the Dockerfile of lesson 2, the image line of
lesson 3 and the probe of lesson 4 in their copy work/k8s/redis.yaml. Each check reads the
file, names the mistake, and under LAB_SOLUTIONS=1 writes the course's solution into an
unanswered file without touching the rest of it."""

import pytest
import yaml

from lab.core import settings
from lab.core.errors import CheckFailed, LabError
from lab.course import exercises
from lab.course.exercises import PLACEHOLDER
from lab.course.learner_copy import REDIS_COPY
from lab.targets import manifests

UPSTREAM_REDIS = (settings.REPO_ROOT / "k8s" / "redis.yaml").read_text()
STARTER = (
    "FROM redis:7.2.4-bookworm\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*\n"
    f"{PLACEHOLDER}\n"
)
ANSWER = 'ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["redis-server"]\n'


@pytest.fixture(autouse=True)
def a_repository_of_its_own(tmp_path, monkeypatch):
    """The learner's files under tmp_path; progress and hints of this test only."""
    monkeypatch.setattr(settings, "REPO_ROOT", tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LAB_SOLUTIONS", raising=False)
    exercises.reset_hints()
    (tmp_path / "work" / "k8s").mkdir(parents=True)
    (tmp_path / "work" / "02-redis-tini").mkdir(parents=True)
    return tmp_path


def write(relative: str, text: str) -> None:
    (settings.REPO_ROOT / relative).write_text(text)


def mistake(check) -> str:
    with pytest.raises(CheckFailed) as caught:
        check()
    return caught.value.mistake


# -- lesson 2: work/02-redis-tini/Dockerfile --------------------------------------------------


def test_the_solution_is_written_in_place_of_the_placeholder_only(monkeypatch):
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    write("work/02-redis-tini/Dockerfile", STARTER)
    assert exercises.check_dockerfile() == ["tini", "--", "docker-entrypoint.sh"]
    text = (settings.REPO_ROOT / "work" / "02-redis-tini" / "Dockerfile").read_text()
    assert text.startswith(STARTER.replace(f"{PLACEHOLDER}\n", "")) and PLACEHOLDER not in text


DOCKERFILE_WRONG = [
    ("FROM redis:latest\nRUN apt-get install -y tini\n" + ANSWER, "from-not-redis"),
    ("FROM debian:bookworm\nRUN apt-get install -y tini\n" + ANSWER, "from-not-redis"),
    ("FROM redis:7.2.4-bookworm\n" + ANSWER, "no-tini-installed"),
    (
        "FROM redis:7.2.4-bookworm\nRUN apt-get update && \\\n  apt-get install -y tini\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["redis-server"]\n',
        "tini-not-first",
    ),
]
DOCKERFILE_TESTED = {m for _, m in DOCKERFILE_WRONG}


@pytest.mark.parametrize("text, expected", DOCKERFILE_WRONG)
def test_a_wrong_dockerfile_names_its_mistake(text, expected):
    write("work/02-redis-tini/Dockerfile", text)
    assert mistake(exercises.check_dockerfile) == expected


def test_a_missing_dockerfile_is_a_one_line_error_with_its_fix():
    with pytest.raises(LabError, match="could not be read.*Fix: run the %%writefile cell"):
        exercises.check_dockerfile()


# -- lesson 3: the image line of work/k8s/redis.yaml ---------------------------------------------


def image_line(image: str) -> str:
    return UPSTREAM_REDIS.replace(f"image: {settings.REDIS_BASE.official}", f"image: {image}")


def test_the_course_image_passes():
    write(str(REDIS_COPY), image_line(settings.REDIS_TINI.tag))
    assert exercises.check_redis_image() == settings.REDIS_TINI.tag


def test_on_a_shared_cluster_the_image_comes_from_its_registry():
    write(str(REDIS_COPY), image_line(f"registry.example:5000/{settings.REDIS_TINI.tag}"))
    assert exercises.check_redis_image("registry.example:5000") == f"registry.example:5000/{settings.REDIS_TINI.tag}"


def test_under_solutions_only_the_image_line_changes(monkeypatch):
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    write(str(REDIS_COPY), UPSTREAM_REDIS)
    exercises.check_redis_image()
    assert (settings.REPO_ROOT / REDIS_COPY).read_text() == image_line(settings.REDIS_TINI.tag)


REDIS_IMAGE_WRONG = [
    (UPSTREAM_REDIS, "unchanged"),
    (image_line("redis-tini-lab/redis"), "floating-tag"),
    (image_line("redis-tini-lab/redis:latest"), "floating-tag"),
    (image_line("redis-tini-lab/redis:7.2.4"), "other-image"),
    (
        image_line(settings.REDIS_TINI.tag).replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Always"),
        "pull-always",
    ),
]
REDIS_IMAGE_TESTED = {m for _, m in REDIS_IMAGE_WRONG}


@pytest.mark.parametrize("text, expected", REDIS_IMAGE_WRONG)
def test_a_wrong_image_line_names_its_mistake(text, expected):
    write(str(REDIS_COPY), text)
    assert mistake(exercises.check_redis_image) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        (None, "does not exist yet.*mkdir -p work && cp -Rn k8s work/"),
        ("kind: Deployment\nmetadata: [oops\n", "not valid YAML any more"),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\n",
            "no Deployment redis with a container named redis",
        ),
        (b"\xff\xfe not utf-8", "could not be read"),
    ],
)
def test_a_broken_copy_is_a_one_line_error_with_its_fix(text, message):
    path = settings.REPO_ROOT / REDIS_COPY
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text)
    with pytest.raises(LabError, match=message):
        exercises.check_redis_image()


# -- lesson 4: the livenessProbe in work/k8s/redis.yaml -------------------------------------------

PROBE_WRONG = [
    (UPSTREAM_REDIS, "no-probe"),
    (
        UPSTREAM_REDIS.replace(
            "          ports:\n",
            "          readinessProbe:\n            exec: {command: [redis-cli, ping]}\n          ports:\n",
        ),
        "readiness-probe",
    ),
    (
        UPSTREAM_REDIS.replace(
            "          ports:\n",
            "          livenesProbe:\n            exec: {command: [redis-cli, ping]}\n          ports:\n",
        ),
        "not-a-probe-key",
    ),
]
PROBE_TESTED = {m for _, m in PROBE_WRONG} | {"tini-not-in-image"}  # and the test below


@pytest.mark.parametrize("text, expected", PROBE_WRONG)
def test_a_copy_without_a_liveness_probe_names_what_it_has_instead(text, expected):
    write(str(REDIS_COPY), text)
    assert mistake(exercises.check_probe_in_copy) == expected


def test_the_lectures_tini_path_is_refused_in_the_learners_own_image():
    write(
        str(REDIS_COPY),
        image_line("redis-tini-lab/my-redis:1").replace(
            "          ports:\n",
            "          livenessProbe:\n            exec: {command: [/tini, -s, --, redis-cli, ping]}\n"
            "          ports:\n",
        ),
    )
    assert mistake(exercises.check_probe_in_copy) == "tini-not-in-image"


def test_the_probe_in_the_copy_gets_the_probe_checks():
    write(
        str(REDIS_COPY),
        UPSTREAM_REDIS.replace(
            "          ports:\n", "          livenessProbe:\n            readinessProbe: {}\n          ports:\n"
        ),
    )
    assert mistake(exercises.check_probe_in_copy) == "unknown-probe-field"


def test_under_solutions_the_probe_is_inserted_under_the_container_and_the_file_is_valid(monkeypatch):
    monkeypatch.setenv("LAB_SOLUTIONS", "1")
    write(str(REDIS_COPY), image_line(settings.REDIS_TINI.tag))
    probe = exercises.check_probe_in_copy()
    text = (settings.REPO_ROOT / REDIS_COPY).read_text()
    assert probe == yaml.safe_load((exercises.SOLUTIONS_DIR / exercises.LIVENESS.key).read_text())["livenessProbe"]
    assert "# The official image, pinned by tag" in text  # the learner's comments stay
    objects = manifests.parse(text, str(REDIS_COPY))
    for manifest in objects:  # what kubectl apply will be given: valid against the API schema
        manifests.validate(manifest)
    deployment = next(m for m in objects if m.kind == "Deployment")
    assert deployment.body["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] == probe
