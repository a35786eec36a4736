"""The console prints the command a person would type, and tells its listeners (the test
suite's command checker is one; the lab installs none)."""

from lab.core import console


class Heard:
    def __init__(self):
        self.commands, self.clusters = [], []

    def command_printed(self, argv, shell_line):
        self.commands.append((argv, shell_line))

    def kubernetes_chosen(self, name, context, kubeconfig):
        self.clusters.append((name, context, kubeconfig))


def test_listeners_hear_each_printed_command_and_each_cluster(capsys, monkeypatch):
    heard = Heard()
    monkeypatch.setattr(console, "_listeners", [])
    console.listen(heard)
    console.show_command("kubectl", "get", "pods", "-l", "app=redis cache")
    console.show_shell("docker rm -f $(docker ps -aq)")
    console.kubernetes_chosen("standin", "lab-standin", "/k")
    assert capsys.readouterr().out == "$ kubectl get pods -l 'app=redis cache'\n$ docker rm -f $(docker ps -aq)\n"
    assert heard.commands == [
        (["kubectl", "get", "pods", "-l", "app=redis cache"], None),
        ([], "docker rm -f $(docker ps -aq)"),
    ]
    assert heard.clusters == [("standin", "lab-standin", "/k")]


def test_the_lab_itself_listens_to_nothing():
    """`import lab` installs no listener: a fresh interpreter, without the tests' kernels' startup."""
    import subprocess
    import sys

    code = "import lab; from lab.core import console; print(len(console._listeners))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "0"
