"""Image builds and reset, against the real engine."""

import pytest

import lab
from lab.core import settings
from lab.core.settings import ImageSpec


def test_build_is_labelled_and_cached(tini_image, docker_engine):
    image = docker_engine.images.get(tini_image)
    assert image.labels.get(settings.IMAGE_LABEL) == "redis-tini"
    assert image.attrs["Config"]["Entrypoint"] == ["tini", "--", "docker-entrypoint.sh"]
    assert image.attrs["Config"]["Cmd"] == ["redis-server"]
    assert lab.build_image(quiet=True) == tini_image  # second build: cache, same tag


def test_a_broken_dockerfile_is_a_clear_error(tmp_path):
    (tmp_path / "Dockerfile").write_text(f"FROM {lab.redis_image()}\nRUN exit 7\n")
    spec = ImageSpec("redis-tini-lab/broken:1", str(tmp_path), settings.REDIS_BASE)
    with pytest.raises(lab.LabError, match="building redis-tini-lab/broken:1 failed: .*returned a non-zero code: 7"):
        lab.build_image(spec, quiet=True)


def test_reset_removes_everything_labelled_and_nothing_else(participant, docker_engine, tini_image):
    lab.run("a", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    docker_engine.networks.create(f"{participant}-net", labels=settings.labels())
    docker_engine.volumes.create(f"{participant}-vol", labels=settings.labels())
    bystander = docker_engine.containers.run(
        lab.redis_image(), ["sleep", "infinity"], name=f"{participant}-bystander", detach=True, pids_limit=16
    )
    try:
        removed = lab.reset()
        assert removed.containers == [f"{participant}-a"]
        leftovers = lab.labelled()
        assert not (leftovers.containers or leftovers.networks or leftovers.volumes)
        # An image still used by someone else's container (another participant) is kept.
        in_use = {tag for c in docker_engine.containers.list(all=True) for tag in c.image.tags}
        assert set(leftovers.images) <= in_use
        bystander.reload()
        assert bystander.status == "running"
        assert lab.image_exists(lab.redis_image())  # base images are not the lab's to remove
    finally:
        bystander.remove(force=True)
        lab.build_image(quiet=True)  # later tests and notebooks use it
