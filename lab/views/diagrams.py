"""Pictures for the lessons, drawn with matplotlib."""

from collections.abc import Sequence
from typing import Any, Protocol

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from lab.core.json_types import Row

# name: (x, y, note)
DOCKERCOINS_BOXES = {
    "rng": (0.5, 3.2, "GET /<n>: random bytes"),
    "hasher": (4.5, 3.2, "POST /: sha256 of the body"),
    "worker": (2.5, 1.9, "loop: rng, hasher, count"),
    "redis": (2.5, 0.5, "hashes, wallet\n(tini as PID 1)"),
    "webui": (6.2, 0.5, "GET /json, the chart"),
    "you": (6.2, 1.9, "browser\n127.0.0.1"),
}
DOCKERCOINS_ARROWS = [
    ("worker", "rng"),
    ("worker", "hasher"),
    ("worker", "redis"),
    ("webui", "redis"),
    ("you", "webui"),
]


class StallData(Protocol):
    """What liveness_timeline draws: the liveness stall experiment's result."""

    @property
    def samples(self) -> Sequence[Row]: ...  # t, hashes (None while the webui cannot read redis)
    @property
    def timeline(self) -> Sequence[Row]: ...  # t, event: probe failures and restarts


class ExhaustionData(Protocol):
    """What pids_over_time draws: the PID exhaustion experiment's result."""

    @property
    def series(self) -> Sequence[Row]: ...  # t, pids, zombies (None when not read)
    @property
    def timeline(self) -> Sequence[Row]: ...  # t, event: probe failures and the restart
    @property
    def pids_limit(self) -> int: ...


def dockercoins_architecture() -> Figure:
    """The five components and who calls whom."""
    figure, axes = plt.subplots(figsize=(8, 4.2))
    for name, (x, y, note) in DOCKERCOINS_BOXES.items():
        color = "#fde2e2" if name == "redis" else ("#eeeeee" if name == "you" else "#e3eefc")
        axes.add_patch(FancyBboxPatch((x - 0.9, y - 0.4), 1.8, 0.8, boxstyle="round,pad=0.05", fc=color, ec="#333"))
        axes.text(x, y + 0.12, name, ha="center", va="center", fontsize=11, weight="bold")
        axes.text(x, y - 0.18, note, ha="center", va="center", fontsize=7.5)
    for start, end in DOCKERCOINS_ARROWS:
        (x0, y0, _), (x1, y1, _) = DOCKERCOINS_BOXES[start], DOCKERCOINS_BOXES[end]
        axes.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops=dict(arrowstyle="->", lw=1.5, shrinkA=28, shrinkB=28, color="#555"),
        )
    axes.set_xlim(-0.6, 7.4)
    axes.set_ylim(-0.1, 3.8)
    axes.axis("off")
    axes.set_title("DockerCoins: every arrow is a call through a Service name")
    return figure


def liveness_timeline(
    result: StallData, title: str = "redis stalled: probe failures, restart, and DockerCoins' hash counter"
) -> Figure:
    """The hash counter over time (gaps: the webui could not read redis), probe failures and restarts."""
    figure, axes = plt.subplots(figsize=(8, 3))
    points = [(s["t"], s["hashes"]) for s in result.samples if s["hashes"] is not None]
    axes.plot([t for t, _ in points], [h for _, h in points], "o-", ms=3, label="hashes (webui /json)")
    for row in result.timeline:
        style: dict[str, Any] = (
            dict(color="#d62728", lw=2) if row["event"] == "restarted" else dict(color="#ff7f0e", ls=":", lw=1)
        )
        axes.axvline(row["t"], **style)
    axes.plot([], [], color="#ff7f0e", ls=":", label="probe failed")
    axes.plot([], [], color="#d62728", lw=2, label="restarted")
    axes.set_xlabel("seconds (0: the lab starts watching; before it, the counter before your stall)")
    axes.set_ylabel("total hashes")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8, loc="upper left")
    axes.grid(alpha=0.3)
    return figure


def zombies_over_time(
    series: Sequence[Row], title: str = "zombies while redis is paused, one panel per variant"
) -> Figure:
    """One small panel per variant (lines of equal counts would hide each other on one
    axis), all on the same scale, so the leaking variants stand out at a glance."""
    variants = list(dict.fromkeys(row["variant"] for row in series))
    columns = 3
    figure, grid = plt.subplots(
        (len(variants) + columns - 1) // columns, columns, figsize=(9, 4.2), sharex=True, sharey=True, squeeze=False
    )
    highest = max((row["zombies"] for row in series), default=0)
    for axes, variant in zip(grid.flat, variants, strict=False):
        rows = [r for r in series if r["variant"] == variant]
        leaked = rows[-1]["zombies"] if rows else 0
        axes.step(
            [r["t"] for r in rows],
            [r["zombies"] for r in rows],
            where="post",
            color="#d62728" if leaked else "#2ca02c",
            lw=2,
        )
        axes.set_title(f"{variant}: {leaked} left", fontsize=9)
        axes.set_ylim(-0.3, max(highest, 1) + 0.5)
        axes.grid(alpha=0.3)
    for axes in grid.flat[len(variants) :]:
        axes.set_visible(False)
    for axes in grid[-1]:
        axes.set_xlabel("s since the pause")
    for axes in grid[:, 0]:
        axes.set_ylabel("zombies")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def pids_over_time(
    result: ExhaustionData, title: str = "zombies pile up until the pids limit; the restart hides it"
) -> Figure:
    figure, axes = plt.subplots(figsize=(8, 3.2))
    rows = [r for r in result.series if r["pids"] is not None]
    axes.plot([r["t"] for r in rows], [r["pids"] for r in rows], "o-", ms=3, label="PIDs in use")
    zombie_rows = [r for r in result.series if r["zombies"] is not None]
    axes.step([r["t"] for r in zombie_rows], [r["zombies"] for r in zombie_rows], where="post", label="zombies")
    axes.axhline(result.pids_limit, color="#d62728", ls="--", label=f"pids limit {result.pids_limit}")
    for row in result.timeline:
        if row["event"] == "restarted":
            axes.axvline(row["t"], color="#d62728", lw=2)
    axes.set_xlabel("seconds")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    return figure
