"""Benchmark the lab: image builds, process-table snapshots, DockerCoins and the experiments
of lessons 4 and 5 on the Kubernetes here, and each notebook under nbval.

    .venv/bin/python benchmarks/run.py            # prints a Markdown table
    .venv/bin/python benchmarks/run.py --only experiments    # lessons 4 and 5's, with ratios
    .venv/bin/python benchmarks/run.py --only lesson-5       # lesson 5 under nbval (goal: 2 min)
    .venv/bin/python benchmarks/run.py --only lesson-6-load  # lesson 6's load, strict and patient probe

Not a test: it measures, it does not assert. Needs Docker and a Kubernetes (kind, or the
stand-in: ./course test sets both up).
"""

import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import lab
from lab.core import settings
from lab.core.settings import ImageSpec
from lab.engine.processes import SNAPSHOT_COMMAND

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_ROUNDS = 30
PROBE_PERIOD, PROBE_THRESHOLD, PROBE_TIMEOUT = 5, 3, 1  # lesson 4's probe (timeoutSeconds: the default)
MATRIX_PAUSE_S, MATRIX_SETTLE_S = 5, 4  # probe_timeout_matrix's defaults: the longest it samples


def timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def median_seconds(action, rounds: int = SNAPSHOT_ROUNDS) -> float:
    return statistics.median(timed(action) for _ in range(rounds))


def build_times() -> dict:
    engine = lab.client()
    if lab.image_exists(settings.REDIS_TINI.tag):
        engine.images.remove(settings.REDIS_TINI.tag)
    cold = timed(lambda: lab.build_image(quiet=True))
    warm = timed(lambda: lab.build_image(quiet=True))
    return {"cold build (base present, no lab layers)": cold, "warm build (layer cache)": warm}


def snapshot_times() -> dict:
    """The lab's /proc snapshot against `docker exec C ps` in an image that has ps."""
    bench_dir = ROOT / "benchmarks" / "procps-image"
    spec = ImageSpec("redis-tini-lab/bench-procps:1", str(bench_dir), settings.REDIS_BASE)
    lab.build_image(spec, quiet=True)
    box = lab.run_redis("bench", spec.tag, quiet=True)
    lab.make_orphans(box, 3)
    try:
        ours = median_seconds(lambda: lab.process_table(box))
        cli_ps = median_seconds(
            lambda: subprocess.run(
                ["docker", "exec", box.name, "ps", "-eo", "pid,ppid,stat,args"], check=True, capture_output=True
            )
        )
        cli_ours = median_seconds(
            lambda: subprocess.run(["docker", "exec", box.name, *SNAPSHOT_COMMAND], check=True, capture_output=True)
        )
    finally:
        lab.remove(box)
        lab.client().images.remove(spec.tag)
    return {
        "lab.process_table (SDK, one exec)": ours,
        "docker exec C ps -eo ... (CLI)": cli_ps,
        "docker exec C sh -c 'exec grep ...' (CLI)": cli_ours,
    }


def dockercoins_times() -> dict:
    """From nothing to DockerCoins mining on the Kubernetes here: cold (no lab images on this
    machine, nothing deployed) and warm (images cached and on the nodes)."""
    from lab.course import dockercoins

    target = lab.target()

    def nothing_to_mining():
        target.prepare(lab.build_course_images())
        target.apply()
        target.wait_ready()
        dockercoins.expect_mining(target.url("webui"), at_least=1, timeout=60)

    target.delete()
    lab.reset()  # no containers, no lab images: only the base images remain
    cold = timed(nothing_to_mining)
    target.delete()
    warm = timed(nothing_to_mining)
    samples = dockercoins.sample_hashes(target.url("webui"), seconds=20)
    target.delete()
    return {
        "nothing to mining, cold (images built)": cold,
        "nothing to mining, warm (images cached)": warm,
        "hash rate over 20 s (hashes/second, not seconds)": dockercoins.hash_rate(samples),
    }


def redis_with_liveness_probe() -> list:
    """k8s/redis.yaml with lesson 4's liveness probe (`redis-cli ping`, every 5 s, 3 failures)."""
    from lab.targets import manifests

    redis = manifests.load([manifests.MANIFESTS_DIR / "redis.yaml"])
    deployment = next(m for m in redis if m.kind == "Deployment")
    deployment.body["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = {
        "exec": {"command": ["redis-cli", "ping"]},
        "periodSeconds": PROBE_PERIOD,
        "failureThreshold": PROBE_THRESHOLD,
    }
    return redis


def experiment_times() -> dict:
    """Wall time of each experiment of lessons 4 and 5 on the Kubernetes here, and its outcome."""
    from lab.course import dockercoins, experiments
    from lab.course.experiments.pid_exhaustion import CYCLE_SECONDS, ZOMBIES_PER_STALL

    target = lab.target()
    url = dockercoins.ensure_running(target)
    target.apply_manifests(redis_with_liveness_probe())
    target.wait_ready()
    lab.wait_until(lambda: target.liveness_passing("redis"), timeout=30, what="the probe to pass")
    results = {}
    liveness = experiments.stall_until_restart(target, url)
    results["experiment: stall until restart and recovery (lesson 4)"] = liveness.seconds
    restarted_at = next((row["t"] for row in liveness.timeline if row["event"] == "restarted"), float("nan"))
    bound = PROBE_THRESHOLD * PROBE_PERIOD + PROBE_TIMEOUT
    results["stall to restart (s)"] = restarted_at
    results[f"ratio: stall to restart / (failureThreshold x periodSeconds + timeoutSeconds = {bound} s)"] = (
        restarted_at / bound
    )
    matrix = experiments.probe_timeout_matrix(target)
    results["experiment: probe-timeout matrix, 6 variants at once"] = matrix.seconds
    longest = MATRIX_PAUSE_S + MATRIX_SETTLE_S
    results[f"ratio: matrix / its longest sampling (pause {MATRIX_PAUSE_S} s + settle {MATRIX_SETTLE_S} s at most)"] = (
        matrix.seconds / longest
    )
    exhaustion = experiments.pid_exhaustion(target)
    results["experiment: PID exhaustion until restart"] = exhaustion.seconds
    free = exhaustion.pids_limit - (exhaustion.series[0]["pids"] or 0)
    results["PIDs free when the exhaustion started"] = free
    bound = math.ceil(free / ZOMBIES_PER_STALL) * CYCLE_SECONDS
    if bound > 0:  # 0: no limit or no reading
        results[
            "ratio: exhaustion / (free PIDs / zombies per stall x seconds a stall: the fewest stalls that fill them)"
        ] = exhaustion.seconds / bound
    reaping = experiments.accidental_reaping(target)
    results["experiment: accidental reaping by BGSAVE"] = reaping.experiment_seconds
    target.delete()
    print("matrix as measured:")
    for row in matrix.rows:
        print(
            f"  {row['variant']:16} PID 1 {row['pid1']:12} timed out {row['timed_out_probes']}  zombies {row['zombies']}"
        )
    return results


def load_runs(strict_runs: int = 5, patient_runs: int = 2) -> dict:
    """Lesson 6's load on the Kubernetes here, as the learner runs it: how soon the strict
    probe restarts a loaded redis (every run must), and whether the solution's patient probe
    holds. The learner's kubectl commands, the lab's watch."""
    import tempfile

    from lab.course import load_demo
    from lab.course.exercises.patient_probe import with_the_solutions_timeout
    from lab.engine.tools import run_tool
    from lab.targets import manifests

    target = lab.target()
    target.prepare(lab.build_course_images())
    target.point_kubectl_here()
    lesson = ROOT / "k8s" / "lesson-06"
    strict = lesson / "loaded-redis.yaml"
    patient = Path(tempfile.mkdtemp()) / "06-loaded-redis.yaml"  # as the exercise's solution writes it
    patient.write_text(with_the_solutions_timeout(strict.read_text()))
    deployment = next(m for m in manifests.load([patient]) if m.kind == "Deployment")
    timeout = deployment.body["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["timeoutSeconds"]

    def kubectl(*args: str) -> None:
        run_tool(["kubectl", *args], timeout=180)

    def one_run(manifest: Path) -> "load_demo.LoadResult":
        kubectl("delete", "pod/redis-load", "deployment/loaded-redis", "--ignore-not-found", "--wait=true")
        kubectl("wait", "--for=delete", "pod", "-l", "app=loaded-redis", "--timeout=60s")
        kubectl("apply", "-f", str(manifest))
        kubectl("rollout", "status", "deployment/loaded-redis", "--timeout=120s")
        before = target.restart_count("loaded-redis")
        kubectl("apply", "-f", str(lesson / "load-generator.yaml"))
        return load_demo.watch_load(target, restarts_before=before)

    strict_results = [one_run(strict) for _ in range(strict_runs)]
    patient_results = [one_run(patient) for _ in range(patient_runs)]
    kubectl("delete", "pod/redis-load", "deployment/loaded-redis", "service/loaded-redis", "--ignore-not-found")
    pipeline_s = load_demo.WORST_WAIT_MS / 1000
    restarted = [run.seconds for run in strict_results if run.restarted] or [math.nan]  # the times of runs that did
    slowest_restart = max(restarted)
    slowest_wait_ms = max(run.slowest_ms for run in patient_results)
    return {
        f"lesson 6, strict probe: runs that restarted redis (of {strict_runs})": sum(
            run.restarted for run in strict_results
        ),
        "lesson 6, strict probe: load applied to restart, median (s)": statistics.median(restarted),
        "lesson 6, strict probe: load applied to restart, slowest (s)": slowest_restart,
        f"ratio: slowest restart / one pipeline ({pipeline_s:.0f} s: redis stops at its end)": slowest_restart
        / pipeline_s,
        f"lesson 6, patient probe (timeoutSeconds {timeout}): runs that restarted redis (of {patient_runs})": sum(
            run.restarted for run in patient_results
        ),
        "lesson 6, patient probe: slowest PING sampled (s)": slowest_wait_ms / 1000,
        "ratio: patient timeout / slowest PING sampled": timeout * 1000 / max(slowest_wait_ms, 1),
    }


def notebook_times(pattern: str = "[0-9][0-9]-*.ipynb") -> dict:
    """Each notebook under nbval, as CI runs it (the exercises' solutions filled in), kernel
    start included."""
    times = {}
    for notebook in sorted((ROOT / "notebooks").glob(pattern)):
        times[f"nbval {notebook.name}"] = timed(
            lambda notebook=notebook: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "--nbval-lax",
                    "--nbval-current-env",
                    "-p",
                    "no:cacheprovider",
                    str(notebook),
                ],
                check=True,
                capture_output=True,
                cwd=ROOT,
                env={**os.environ, "LAB_SOLUTIONS": "1"},
            )
        )
    return times


def lesson_5_time() -> dict:
    """Lesson 5 alone (issue 21's goal: at most 2 minutes on the stand-in), DockerCoins
    deployed first as lesson 3 leaves it."""
    from lab.course import dockercoins

    dockercoins.ensure_running(lab.target())
    return notebook_times("05-*.ipynb")


PARTS = {
    "builds": build_times,
    "snapshots": snapshot_times,
    "dockercoins": dockercoins_times,
    "experiments": experiment_times,
    "notebooks": notebook_times,
    "lesson-5": lesson_5_time,
    "lesson-6-load": load_runs,
}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(PARTS), action="append", help="these parts only (default: all)")
    results = {}
    default = [name for name in PARTS if name not in ("lesson-5", "lesson-6-load")]  # "notebooks" times both
    for name in parser.parse_args().only or default:
        results.update(PARTS[name]())
    print("| measurement | seconds (or ratio) |\n|---|---|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.3f} |")
    if "lab.process_table (SDK, one exec)" in results:
        ratio = results["lab.process_table (SDK, one exec)"] / results["docker exec C ps -eo ... (CLI)"]
        print(f"\nsnapshot ratio lab / `docker exec ps`: {ratio:.2f} (median of {SNAPSHOT_ROUNDS})")
    lab.reset(images=False)


if __name__ == "__main__":
    main()
