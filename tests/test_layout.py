"""The import contract that keeps the layout true (../shared/DESIGN.md): read from the source itself.

bot/ is the platform-neutral product: it imports neither adapters/ nor a chat SDK. storage/ takes
from bot/ only the plain data of bot.model, never the engine. No module imports itself back through
others (an import inside a function counts; one only for type checking does not).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CHAT_SDKS = ("slack_bolt", "slack_sdk", "discord", "aiohttp")


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (in functions and under TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names if node.module == "bot"}
    return found


def runtime_imports_of(path: Path) -> set[str]:
    """The project's modules `path` imports when it runs: at any depth, but not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"bot.{a.name}" for a in node.names] if node.module == "bot" else [node.module]
            found |= set(names)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if top(name) in PACKAGES}


PACKAGES = ("bot", "storage", "adapters", "debrief")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_no_import_cycle_anywhere():
    graph = {module_name(p): runtime_imports_of(p) for package in PACKAGES for p in modules(package)}
    cycles, done = [], set()

    def visit(module: str, path: list[str]) -> None:  # depth first; a module on the path again is a cycle
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append(" -> ".join([*path[path.index(imported) :], imported]))
            elif imported in graph and imported not in done:
                visit(imported, [*path, imported])
        done.add(module)

    for module in graph:
        if module not in done:
            visit(module, [module])
    assert not cycles, cycles[:5]
    assert "bot.model" in graph["storage.nudge_store"]  # the graph is read, not empty


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules("bot"), ids=lambda p: p.stem)
def test_the_product_imports_no_adapter_and_no_chat_sdk(path):
    banned = {name for name in imports_of(path) if top(name) in ("adapters", *CHAT_SDKS)}
    assert not banned, f"{path.relative_to(ROOT)} imports {sorted(banned)}"


@pytest.mark.parametrize("path", modules("storage"), ids=lambda p: p.stem)
def test_storage_takes_only_the_plain_model_from_the_product(path):
    from_bot = {name for name in imports_of(path) if top(name) == "bot" and name != "bot"}
    assert from_bot <= {"bot.model"}, f"{path.relative_to(ROOT)} imports {sorted(from_bot - {'bot.model'})}"


def test_the_contract_reads_what_it_should():
    """The checks above would pass on nothing: make sure they see the imports they judge."""
    assert "bot.model" in imports_of(ROOT / "storage" / "nudge_store.py")
    assert "slack_bolt.async_app" in imports_of(ROOT / "adapters" / "slack_bot.py")
    assert "bot.model" in imports_of(ROOT / "storage" / "repository.py")  # `from bot import model`


def test_no_test_imports_another_test_module():
    """Shared helpers live in tests/helpers.py (and the fakes and the chat harness), never in a test."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        borrowed = {name for name in imports_of(path) if name.startswith("tests.test_")}
        assert not borrowed, f"{path.name} imports {sorted(borrowed)}"
