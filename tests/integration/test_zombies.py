"""The facts the lessons teach, measured on the real engine (docs/facts.md)."""

import time

import lab


def test_redis_as_pid1_keeps_exactly_one_zombie_per_orphaning_exec(participant):
    redis = lab.run_redis("redis", lab.redis_image(), quiet=True)
    assert lab.process_table(redis).pid1().comm == "redis-server"
    lab.make_orphans(redis, 3)
    table = lab.expect_zombies(redis, 3)
    assert {(p.comm, p.ppid) for p in table.zombies} == {("sleep", 1)}
    time.sleep(1.5)  # and they stay: nothing reaps them
    assert len(lab.zombies(redis)) == 3


def test_bgsave_reaps_strays_and_logs_each_one(participant):
    redis = lab.run_redis("redis", lab.redis_image(), quiet=True)
    lab.make_orphans(redis, 2)
    lab.expect_zombies(redis, 2)
    assert "Background saving started" in lab.bgsave(redis)
    lab.expect_zombies(redis, 0)
    lab.expect_log_count(redis, "detected child with unmatched pid", 2)


def test_tini_image_runs_tini_as_pid1_and_reaps(participant, tini_image):
    redis = lab.run_redis("redis-tini", tini_image, quiet=True)
    table = lab.expect_pid1(redis, "tini")
    assert any(p.comm == "redis-server" and p.ppid == 1 for p in table.processes)
    lab.make_orphans(redis, 3)
    lab.expect_zombies(redis, 0)
    stopped = lab.stop(redis)
    assert stopped.exit_code == 0 and stopped.seconds < 5  # tini forwarded SIGTERM


def test_docker_init_reaps_without_a_new_image(participant):
    redis = lab.run_redis("redis-init", lab.redis_image(), init=True, quiet=True)
    lab.expect_pid1(redis, "docker-init")
    lab.make_orphans(redis, 3)
    lab.expect_zombies(redis, 0)


def test_pid1_without_a_handler_ignores_sigterm(participant):
    sleeper = lab.run("sleeper", lab.redis_image(), entrypoint=["sleep", "infinity"], quiet=True)
    lab.send_signal(sleeper, "SIGTERM")
    time.sleep(1.5)
    assert lab.is_running(sleeper)
    stopped = lab.stop(sleeper, grace=2)
    assert stopped.exit_code == 137 and stopped.seconds >= 1.5
