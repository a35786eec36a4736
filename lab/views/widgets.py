"""Live views for the lessons (ipywidgets). Each refreshes in the foreground for a bounded
time (`view.watch(seconds=...)`), so a headless run ends and nbval never waits on a thread.

    view = ProcessTableView(container)      # or ProcessTableView((target, "redis"))
    view.watch(seconds=6)                   # the table, zombies in red, refreshed each second
"""

import html
import time
from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display as ipython_display

from lab.core.console import show_command
from lab.core.json_types import Row
from lab.core.waiting import ticks
from lab.course.dockercoins import stats
from lab.engine.containers import ContainerRef
from lab.engine.processes import ProcessTable, pod_process_table, process_table
from lab.targets.contract import Target

# IPython's display() has no annotations; the lab only shows widgets with it.
display: Callable[..., None] = ipython_display


def _bounded(
    seconds: float, interval: float, refresh: Callable[[], object], until: Callable[[], bool] | None = None
) -> None:
    for _ in ticks(seconds, interval=interval):
        refresh()
        if until is not None and until():
            return


class ProcessTableView:
    """A container's (or a pod's) process table, zombies highlighted, with a count."""

    def __init__(self, source: ContainerRef | tuple[Target, str], title: str = ""):
        self.source = source  # a container (name or object), or (target, deployment)
        self.count = widgets.HTML()
        self.table = widgets.HTML()
        self.box = widgets.VBox(
            [widgets.HTML(f"<b>{html.escape(title)}</b>") if title else widgets.HTML(), self.count, self.table]
        )
        self.box.add_class("lab-process-table")
        self.last: ProcessTable | None = None

    def snapshot(self) -> ProcessTable:
        if isinstance(self.source, tuple):
            target, deployment = self.source
            return pod_process_table(target, deployment, quiet=True)
        return process_table(self.source)

    def refresh(self) -> ProcessTable:
        self.last = self.snapshot()
        zombies = len(self.last.zombies)
        color = "#b00" if zombies else "#070"
        self.count.value = (
            f"<span class='lab-zombie-count' style='font-size:1.2em;color:{color}'>"
            f"<b>{zombies}</b> zombie{'s' if zombies != 1 else ''}</span> "
            f"in {html.escape(self.last.container_name)} at {time.strftime('%H:%M:%S')}"
        )
        self.table.value = self.last._repr_html_()
        return self.last

    def watch(
        self, seconds: float = 10, interval: float = 1, until: Callable[[ProcessTable], bool] | None = None
    ) -> ProcessTable:
        """Show the view and refresh it for at most ``seconds``."""
        display(self.box)
        _bounded(seconds, interval, self.refresh, until=(lambda: until(self._latest())) if until else None)
        return self._latest()

    def _latest(self) -> ProcessTable:
        assert self.last is not None  # _bounded refreshes at least once before anything reads it
        return self.last


class HashRateView:
    """DockerCoins' hash rate from the webui's /json, as a live line chart."""

    def __init__(self, url: str, width: int = 480, height: int = 120):
        self.url, self.width, self.height = url, width, height
        self.samples: list[tuple[float, int]] = []  # (the webui's now, its hashes)
        self.label = widgets.HTML()
        self.chart = widgets.HTML()
        self.box = widgets.VBox([self.label, self.chart])
        self.box.add_class("lab-hash-rate")

    def rates(self) -> list[float]:
        pairs = zip(self.samples, self.samples[1:], strict=False)
        return [max(0.0, (h1 - h0) / (t1 - t0)) for (t0, h0), (t1, h1) in pairs if t1 > t0]

    def refresh(self) -> None:
        data = stats(self.url)
        if "hashes" in data:
            self.samples.append((data["now"], data["hashes"]))
        rates = self.rates()
        # The headline is the latest second; the mean beside it is what a check reports.
        self.label.value = (
            f"<b class='lab-rate'>{rates[-1]:.1f}</b> hashes/second now; mean "
            f"{sum(rates) / len(rates):.1f} over the last {len(rates)} samples"
            if rates
            else "waiting for two samples from " + html.escape(self.url)
        )
        self.chart.value = self._svg(rates[-60:])

    def _svg(self, rates: list[float]) -> str:
        """A line of hashes/second, one point per sample, with its scale written on the axes."""
        top = max(rates + [1.0])
        left, bottom = 40, self.height - 16  # room for the axes' labels
        step = (self.width - left) / max(1, len(rates) - 1)
        points = " ".join(f"{left + i * step:.1f},{bottom - r / top * (bottom - 10):.1f}" for i, r in enumerate(rates))
        return (
            f"<svg width='{self.width}' height='{self.height}' style='border:1px solid #ccc' font-size='10'>"
            f"<line x1='{left}' y1='10' x2='{left}' y2='{bottom}' stroke='#999'/>"
            f"<line x1='{left}' y1='{bottom}' x2='{self.width}' y2='{bottom}' stroke='#999'/>"
            f"<text x='2' y='14'>{top:.1f}/s</text><text x='2' y='{bottom}'>0/s</text>"
            f"<text x='{left}' y='{self.height - 3}'>{len(rates)} samples ago</text>"
            f"<text x='{self.width - 30}' y='{self.height - 3}'>now</text>"
            f"<polyline fill='none' stroke='#1f77b4' stroke-width='2' points='{points}'/></svg>"
        )

    def watch(self, seconds: float = 10, interval: float = 1) -> list[float]:
        show_command("curl", "-s", f"{self.url}/json")
        display(self.box)
        _bounded(seconds, interval, self.refresh)
        return self.rates()


class ProbeTimelineView:
    """Probe failures and restarts for a deployment, as they happen, with the restart count."""

    def __init__(self, target: Target, deployment: str = "redis"):
        self.target, self.deployment = target, deployment
        self.status = widgets.HTML()
        self.events = widgets.HTML()
        self.rows: list[Row] = []
        self.box = widgets.VBox([self.status, self.events])
        self.box.add_class("lab-probe-timeline")

    def on_event(self, row: Row) -> None:
        if row["deployment"] == self.deployment:
            self.rows.append(row)
            self.render()

    def on_tick(self, _elapsed: float) -> None:
        self.render()

    def render(self) -> None:
        restarts = self.target.restart_count(self.deployment)
        self.status.value = f"{html.escape(self.deployment)}: restartCount <b>{restarts}</b>"
        colors = {"restarted": "#d62728", "probe failed": "#ff7f0e"}
        self.events.value = (
            "<table>"
            + "".join(
                f"<tr style='color:{colors.get(r['event'], '#333')}'><td>{r['t']:.1f}s</td><td>{html.escape(r['event'])}</td>"
                f"<td>{html.escape(r['detail'])}</td></tr>"
                for r in self.rows
            )
            + "</table>"
        )

    def show(self) -> "ProbeTimelineView":
        display(self.box)
        self.render()
        return self
