"""The layers hold: no import cycle among the project's modules (imports inside functions and under
TYPE_CHECKING count too), the web app imports nothing from the command line, and one place builds the system."""

from __future__ import annotations

import ast
from pathlib import Path

from assistant.settings import PROJECT_ROOT

PACKAGES = ("assistant", "evals")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not (path.name == "__init__.py" and target.startswith(name + ".")):
                out.add(target)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles():
    assert _cycle(_graph()) is None


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_assistant_never_imports_evals_and_ui_never_imports_cli():
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("assistant"):
            assert not any(d.startswith("evals") for d in deps), name
        if name.startswith("assistant.ui"):
            assert not any(d.startswith("assistant.cli") for d in deps), name


def test_one_place_builds_the_answerer():
    builders = [
        name
        for name, path in _modules().items()
        if "Answerer(" in path.read_text(encoding="utf-8") and not name.startswith("assistant.answering")
    ]
    assert builders == ["assistant.runtime"]


def test_the_answerer_depends_on_protocols_not_on_the_concrete_retriever():
    concrete = {"assistant.retrieve", "assistant.index", "assistant.embeddings", "assistant.dense", "assistant.lexical"}
    for name, deps in _graph().items():
        if name.startswith("assistant.answering"):
            assert not deps & concrete, (name, deps & concrete)
