"""lab/ is laid out by concern, and dependencies point one way: down this list.

A module may import from its own layer or any layer below it, never above. The import
graph is read from the source (every import, including those inside functions), so a
lazy import cannot hide an upward dependency.
"""

import ast
from pathlib import Path

import pytest

LAB = Path(__file__).resolve().parents[2] / "lab"

# lowest first
LAYERS = ["core", "engine", "targets", "course", "views", "workshop", "cli"]
FACADE = ("lab/__init__.py", "lab/__main__.py")  # the notebooks' and the terminal's entry points


def layer_of(module: str) -> str:
    """``lab.targets.kubernetes.target`` -> ``targets``."""
    return module.split(".")[1]


def is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (LAB / relative).with_suffix(".py").exists() or (LAB / relative / "__init__.py").exists()


def lab_imports(path: Path) -> set:
    """The lab modules ``path`` imports: ``from lab.course import progress`` is lab.course.progress."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names if alias.name.startswith("lab.")}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: use absolute imports (from lab.... import ...)"
            if node.module == "lab":
                modules |= {f"lab.{alias.name}" for alias in node.names}
            elif node.module and node.module.startswith("lab."):
                submodules = {f"{node.module}.{alias.name}" for alias in node.names}
                modules |= {m for m in submodules if is_module(m)} or {node.module}
    return modules


def modules_in_layers():
    for path in sorted(LAB.rglob("*.py")):
        rel = path.relative_to(LAB.parent).as_posix()
        if rel not in FACADE:
            yield rel, path


def test_every_module_is_in_a_layer():
    for rel, _ in modules_in_layers():
        assert rel.split("/")[1] in LAYERS, f"{rel} is at the top of lab/: put it in one of {LAYERS}"


@pytest.mark.parametrize(
    "rel, path", list(modules_in_layers()), ids=lambda value: value if isinstance(value, str) else ""
)
def test_imports_point_down(rel, path):
    mine = LAYERS.index(rel.split("/")[1])
    upward = sorted(module for module in lab_imports(path) if LAYERS.index(layer_of(module)) > mine)
    assert not upward, f"{rel} (layer {LAYERS[mine]}) imports from a higher layer: {upward}"


def test_no_cycles_between_modules():
    graph = {
        ".".join(path.relative_to(LAB.parent).with_suffix("").parts): lab_imports(path)
        for _, path in modules_in_layers()
    }
    graph = {module.removesuffix(".__init__"): deps for module, deps in graph.items()}

    def cycle_from(start, node, seen):
        for dep in graph.get(node, ()):
            if dep == start:
                return [node, dep]
            if dep not in seen:
                seen.add(dep)
                rest = cycle_from(start, dep, seen)
                if rest:
                    return [node] + rest
        return None

    for module in graph:
        cycle = cycle_from(module, module, set())
        assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_lowest_layer_starts_no_process_and_knows_no_tests():
    """lab/core is what every other layer stands on: no subprocess, and no test machinery
    (the printed-command checker lives in tests/ and listens to lab.core.console)."""
    for path in sorted((LAB / "core").glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "subprocess" not in imported, f"{path.name} starts processes"
        assert not any(name.startswith("tests") for name in imported), f"{path.name} imports the tests"


def test_the_course_speaks_only_the_target_contract():
    """lab/course and lab/views use a target through lab/targets/contract.py (and the
    targets layer's own modules), never a Kubernetes internal, nor a target's name."""
    for folder in ("course", "views"):
        for path in sorted((LAB / folder).rglob("*.py")):
            inside = [m for m in lab_imports(path) if m.startswith("lab.targets.kubernetes")]
            assert not inside, f"{path.relative_to(LAB.parent)} imports {inside}"
            assert "target.name ==" not in path.read_text(), f"{path.name} tests which target it runs on"
