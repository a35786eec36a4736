"""Set the lab's namespace in the learner's kubeconfig context, once, and say so.

The lab passes `-n NAMESPACE` on every command it prints, but a learner who types their
own `kubectl get pods` would otherwise look in `default` and see nothing. This is what
`kubectl config set-context CONTEXT --namespace NAMESPACE` does: it edits the file that
defines the context (the first of KUBECONFIG's files that does, else ~/.kube/config).
"""

import os
from pathlib import Path
from typing import Any

import yaml

from lab.core import config
from lab.core.console import show_command


def kubeconfig_files(kubeconfig: str | None = None) -> list[Path]:
    """The files kubectl reads, in its order: the one given, else KUBECONFIG's, else the default."""
    if kubeconfig:
        return [Path(kubeconfig)]
    return config.current().kubeconfig


def _file_defining(context: str, files: list[Path]) -> tuple[Path | None, Any, Any]:
    """(the file, its YAML as read, the context's entry in it), or Nones when no file defines it."""
    for path in files:
        try:
            config = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError):
            continue
        for entry in config.get("contexts") or []:
            if entry.get("name") == context:
                return path, config, entry
    return None, None, None


def current_context(kubeconfig: str | None = None) -> str | None:
    """The current-context of the first kubeconfig file that names one, as kubectl reads it."""
    for path in kubeconfig_files(kubeconfig):
        try:
            found = (yaml.safe_load(path.read_text()) or {}).get("current-context")
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        if found:
            return str(found)
    return None


def context_namespace(context: str, kubeconfig: str | None = None) -> str | None:
    """The default namespace of ``context`` in the file that defines it, if it has one."""
    _, _, entry = _file_defining(context, kubeconfig_files(kubeconfig))
    namespace = ((entry or {}).get("context") or {}).get("namespace")
    return str(namespace) if namespace else None


# (context, namespace, kubeconfig) already settled in this kernel: every apply asks
_done: set[tuple[str, str, str | None]] = set()


def set_namespace(context: str, namespace: str, kubeconfig: str | None = None) -> bool:
    """Make ``namespace`` the context's default; True if the file changed. A context that no
    file defines, or a file the lab may not write, is left alone (the lab still passes -n).
    The kubeconfig is read once per kernel and namespace, not on every apply."""
    if (context, namespace, kubeconfig) in _done:
        return False
    _done.add((context, namespace, kubeconfig))
    path, config, entry = _file_defining(context, kubeconfig_files(kubeconfig))
    if path is None or (entry.get("context") or {}).get("namespace") == namespace:
        return False
    if not os.access(path, os.W_OK):
        print(f"(your kubeconfig {path} is read-only: type -n {namespace} on every kubectl command)")
        return False
    show_command(
        "kubectl",
        "config",
        "set-context",
        context,
        f"--namespace={namespace}",
        *([f"--kubeconfig={kubeconfig}"] if kubeconfig else []),
    )
    entry.setdefault("context", {})["namespace"] = namespace
    mode = path.stat().st_mode & 0o777
    temporary = path.with_name(path.name + ".lab-tmp")
    temporary.write_text(yaml.safe_dump(config, sort_keys=False))
    os.chmod(temporary, mode)
    os.replace(temporary, path)  # atomic: kubectl never reads half a file
    print(
        f"your kubectl now looks in namespace {namespace} in context {context}: `kubectl get pods` shows the lab's pods"
    )
    return True
