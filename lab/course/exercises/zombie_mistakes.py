"""Lesson 5's two exercises, the zombie fix and the mystery restarts, and the mistakes their
checks name, each with its three hints. The checks are in zombie_fix.py and
lab/course/mystery.py."""

from lab.core import settings
from lab.course.exercises.entrypoint import ENTRYPOINT_MISTAKES
from lab.course.exercises.registry import (
    UNKNOWN_FIELD_CONCEPT,
    Exercise,
    Mistake,
    invalid_yaml,
)

FIX_ANSWER = (
    f"image: {settings.REDIS_TINI.tag} and no command (its ENTRYPOINT makes tini PID 1); "
    "or shareProcessNamespace: true in the pod spec (the pause container is PID 1)"
)
SHELL_PROBE_ANSWER = (
    'livenessProbe: {exec: {command: ["sh", "-c", "redis-cli ping"]}, periodSeconds: 2, '
    "timeoutSeconds: 1, failureThreshold: 1000}"
)

ZOMBIE_FIX_MISTAKES = {
    "invalid-yaml": invalid_yaml(
        "start from solutions/05-zombie-fix.yaml's layout: containers:, then '- name: redis' and its fields "
        "indented under it."
    ),
    "not-a-pod-spec": Mistake(
        "the answer is a pod spec: the fields under the Deployment template's 'spec:', whose main field is containers.",
        "start with 'containers:' at the top level (no 'spec:' above it), then '- name: redis'.",
        "the redis container of k8s/lesson-05/shell-probe.yaml (section 1), under 'containers:'",
    ),
    "unknown-field": Mistake(
        UNKNOWN_FIELD_CONCEPT,
        "check the name against kubectl explain pod.spec (and pod.spec.containers).",
        "the fields this answer needs: containers, maybe shareProcessNamespace; in the container name, image, "
        "imagePullPolicy, args, maybe command, and livenessProbe.",
    ),
    "containers-not-one": Mistake(
        "containers is a list, and this pod has one: redis, with its probe.",
        "write containers: then one item that starts with '- name: redis'.",
        f"containers: [{{name: redis, image: {settings.REDIS_TINI.tag}, ...}}]",
    ),
    "probe-changed": Mistake(
        "the exercise keeps the shell-form probe on purpose: its timeouts orphan redis-cli, and the fix is a "
        "PID 1 that reaps those orphans, not a different probe.",
        'keep livenessProbe.exec.command as ["sh", "-c", "redis-cli ping"]; change the image, the command '
        "or the pod instead.",
        SHELL_PROBE_ANSWER,
    ),
    "command-not-a-list": Mistake(
        "Kubernetes runs command and args directly, with no shell to split a string: each is a list of strings.",
        "write command (and args) as YAML lists of quoted words.",
        'command: ["tini", "--", "docker-entrypoint.sh"] and args: ["redis-server", "--save", ""]',
    ),
    "no-image": Mistake(
        "Kubernetes needs an image for every container of a Deployment, and the image's ENTRYPOINT decides "
        "what runs as PID 1 unless command replaces it.",
        f"set image: to the course's image ({settings.REDIS_TINI.tag}) or the official redis image.",
        f"image: {settings.REDIS_TINI.tag}",
    ),
    "unknown-image": Mistake(
        "the check must know what the image runs as PID 1: the course's image starts tini, the official "
        "redis image starts docker-entrypoint.sh, which execs redis-server.",
        f"use {settings.REDIS_TINI.tag} (the course's) or {settings.REDIS_BASE.official} (the official image).",
        f"image: {settings.REDIS_TINI.tag}",
    ),
    "host-pid": Mistake(
        "hostPID puts the pod in the node's PID namespace: the probe's orphans are then adopted outside the "
        "pod, and the container can see every process on the node. It trades the pod's isolation for a reaper.",
        "remove hostPID; for a reaper shared by the pod, shareProcessNamespace is the field.",
        "shareProcessNamespace: true, and no hostPID",
    ),
    "tini-not-in-image": Mistake(
        "the official redis image has no tini; the course's image adds Debian's package (lesson 2). A command "
        "that names a program the image lacks fails to start the container.",
        f"use the course's image, {settings.REDIS_TINI.tag}, for tini; or keep the official image, drop tini, "
        "and let the pod's pause container be PID 1.",
        FIX_ANSWER,
    ),
    "tini-path": Mistake(
        ENTRYPOINT_MISTAKES["tini-path"].concept,
        ENTRYPOINT_MISTAKES["tini-path"].field,
        'command: ["tini", "--", "docker-entrypoint.sh"]',
    ),
    "tini-without-dashes": Mistake(
        ENTRYPOINT_MISTAKES["tini-without-dashes"].concept,
        "after tini (and any options of its own, such as -s or -g), put '--', then docker-entrypoint.sh.",
        'command: ["tini", "--", "docker-entrypoint.sh"]',
    ),
    "redis-not-started": Mistake(
        "Kubernetes' command replaces the image's ENTRYPOINT, and when command is set without args the "
        "image's CMD is dropped too: only the command runs.",
        "give the server in args (or at the end of the command).",
        'args: ["redis-server", "--save", ""]',
    ),
    "no-reaper-pid1": Mistake(
        "when the runtime SIGKILLs the timed-out sh, its redis-cli child is reparented to the nearest "
        "ancestor registered as child subreaper, else to PID 1 of the PID namespace; nothing here is a "
        "subreaper, and redis-server reaps only by accident (while it waits for a BGSAVE child), so the "
        "orphans stay zombies.",
        "make PID 1 a reaper: tini first in the container (the course image's ENTRYPOINT, or command), or "
        "shareProcessNamespace in the pod spec so that the pause container is PID 1.",
        FIX_ANSWER,
    ),
    "nothing-timed-out": Mistake(
        "a zombie appears only when a probe times out and the runtime kills its shell: without a timeout "
        "during the stall, the measurement proves nothing.",
        "make the probe run often with a short timeout: periodSeconds and timeoutSeconds.",
        "periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 1000",
    ),
    "zombies-measured": Mistake(
        "a zombie stays until its parent reaps it, and the orphaned redis-cli's parent is now PID 1 (no "
        "subreaper here): that PID 1 does not reap.",
        "look at PID 1 in the pod's process table (lab.pod_process_table) and at whose children the zombies are.",
        FIX_ANSWER,
    ),
}
ZOMBIE_FIX = Exercise(
    "05-zombie-fix.yaml", "05", "a redis pod whose shell-form probe leaves no zombies", ZOMBIE_FIX_MISTAKES
)

MYSTERY_ANSWERS = (
    "one of: every exec probe in exec form, livenessProbe: {exec: {command: [redis-cli, -e, ping]}, ...} "
    "(-e: exit 1 when redis answers an error, the grep's job), and the same for readinessProbe (or no "
    "readinessProbe: one redis needs none); "
    "or tini as PID 1, command: [tini, --, sh, -c, <the same line>]; "
    "or shareProcessNamespace: true beside containers:"
)
MYSTERY_MISTAKES = {
    **{
        key: ZOMBIE_FIX_MISTAKES[key]
        for key in ("invalid-yaml", "not-a-pod-spec", "unknown-field", "containers-not-one")
    },
    "maintenance-removed": Mistake(
        "the job belongs to the other team and pauses redis for a reason; a redis that stalls 2.5 s must not "
        "restart. Without the pauses nothing times out, and the bug is only hidden until the next stall.",
        "keep the container's command as it is, with its maintenance loop; change who is PID 1, or the probe.",
        MYSTERY_ANSWERS,
    ),
    "probe-removed": Mistake(
        "without a liveness probe nothing restarts, and nothing would restart a redis that really hangs either.",
        "keep the livenessProbe, an exec probe; change how its command runs.",
        MYSTERY_ANSWERS,
    ),
    "bad-number": Mistake(
        "probe timings are whole numbers of seconds (or, for failureThreshold, a count), at least 1.",
        'write each as a plain whole number, no quotes and no unit: 1, not "1" or 1s.',
        "periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3 (the other team's values)",
    ),
    "probe-loosened": Mistake(
        "a looser probe hides the leak rather than fixing it: more failures before a restart only delay it "
        "while every timed-out shell probe still leaves zombies (a redis-cli and a grep), and a timeout longer than the pause stops "
        "the probe from noticing a stall at all.",
        "keep periodSeconds 1, timeoutSeconds 1 and failureThreshold 3; look at who the zombies' parent is.",
        MYSTERY_ANSWERS,
    ),
    "nothing-timed-out": Mistake(
        "the fix is proven only while the job pauses redis and probes time out.",
        "keep the maintenance loop and a probe with timeoutSeconds 1.",
        MYSTERY_ANSWERS,
    ),
    "still-leaking": Mistake(
        "each timed-out probe's sh is killed and its redis-cli and grep orphaned to PID 1; zombies pile up "
        "when PID 1 does not reap. Every exec probe does this, the readiness probe too. The clues showed which process "
        "is PID 1 and whose children the zombies are.",
        "change one of: every probe's command (no shell: redis-cli alone, exec form), the container's "
        "command (a reaper as PID 1), or the pod (shareProcessNamespace).",
        MYSTERY_ANSWERS,
    ),
}
MYSTERY = Exercise("05-mystery-restarts.yaml", "05", "redis-cache, which keeps restarting: the fix", MYSTERY_MISTAKES)
