"""The live views really render and update in a browser: headless Chromium (Debian's
package) driven by Playwright against a running JupyterLab. The screenshot is kept as a
test artefact in tests/artifacts/."""

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from lab.core import settings
from tests.helpers import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARTIFACTS = settings.REPO_ROOT / "tests" / "artifacts"
SCREENSHOT = ARTIFACTS / "widgets-in-chromium.png"
# Chromium on a closed network, as root, headless (the flags the workplace documents).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEMO_CELLS = [
    "import lab\nfrom lab.views.widgets import ProcessTableView\n"
    "redis = lab.run_redis('browser-demo', lab.redis_image(), quiet=True)",
    # an orphan that becomes a zombie about 8 s after the view appears
    "lab.exec_in(redis, ['sh', '-c', 'sleep 8 >/dev/null 2>&1 & exit 0'], quiet=True)\n"
    "ProcessTableView(redis, 'lab-redis in the browser').watch(seconds=20, interval=0.5)",
    # lesson 5's zombie plot, with the matrix's shape: three leaking variants climbing alike
    # (on one axis their lines would hide each other), three flat at 0
    "%matplotlib inline\nfrom lab.views.diagrams import zombies_over_time\nfrom lab.course.experiments import VARIANTS\n"
    "series = [{'variant': v.name, 't': t, 'zombies': min(t // 2, 4) if v.leaks else 0}\n"
    "          for v in VARIANTS for t in range(0, 12)]\n"
    "zombies_over_time(series);",
]
PLOT_SCREENSHOT = ARTIFACTS / "zombie-plot-in-chromium.png"


@pytest.fixture
def jupyterlab(tmp_path, docker_engine):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed. Fix: apt-get install -y chromium", pytrace=False)
        pytest.skip("chromium is not installed (apt-get install chromium); CI always runs this test")
    notebook = new_notebook(cells=[new_code_cell(code) for code in DEMO_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "demo.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "LAB_PREFIX": "browser",
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            "--LabApp.expose_app_in_browser=True",
            f"--ServerApp.root_dir={tmp_path}",
            "--allow-root",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "jupyterlab.log", "w"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(
                        f"JupyterLab did not start within 60s:\n{(tmp_path / 'jupyterlab.log').read_text()[-2000:]}"
                    )
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/lab/tree/demo.ipynb?token={token}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        import lab

        os.environ["LAB_PREFIX"] = "browser"
        try:
            lab.reset(images=False)
        finally:
            del os.environ["LAB_PREFIX"]


def test_process_table_widget_renders_and_updates_in_chromium(jupyterlab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(jupyterlab)
        page.wait_for_function(
            "window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session",
            timeout=60000,
        )
        page.wait_for_function(
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
            timeout=60000,
        )
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")  # do not await the run

        seen, started = [], time.monotonic()  # what the view says, as it changes
        while time.monotonic() - started < 40 and not (seen and seen[-1][1].startswith("1 zombie")):
            text = page.evaluate("(document.querySelector('.lab-zombie-count') || {}).innerText || ''")
            if text and (not seen or seen[-1][1] != text):
                seen.append((round(time.monotonic() - started, 1), text))
            time.sleep(0.2)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        rows = page.locator(".lab-process-table table tr").count()
        plot = page.locator(".jp-RenderedImage img").last
        plot.wait_for(timeout=60000)  # the plot cell runs once the view's 20 s are over
        plot.scroll_into_view_if_needed()
        page.add_style_tag(content=".Toastify { display: none !important; }")  # JupyterLab's news prompt
        plot.screenshot(path=str(PLOT_SCREENSHOT))
        plot_width = plot.evaluate("image => image.naturalWidth")
        browser.close()
    print("the view in the browser:", seen)
    assert seen and seen[0][1].startswith("0 zombies"), seen  # rendered,
    assert seen[-1][1].startswith("1 zombie"), seen  # and updated live by the kernel
    assert rows >= 3  # header, redis-server, the zombie
    assert SCREENSHOT.stat().st_size > 10_000
    assert plot_width >= 600 and PLOT_SCREENSHOT.stat().st_size > 10_000  # six readable panels, looked at by eye
