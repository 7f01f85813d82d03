"""The house rules, checked on the code itself (with grimp, the import graph behind
import-linter): every top-level package is a platform layer or a registered domain, no
domain imports another, the layers form no cycle, and every domain has the same shape."""

from __future__ import annotations

import importlib.resources
import itertools
from pathlib import Path

import grimp
import pytest

from paknam.core.notify.subscribers import TOPICS
from paknam.core.registry import domains
from paknam.core.schema import metadata

PLATFORM = {"core", "api", "cli", "pipeline", "sources"}
"""Top-level modules that are not domains (``web`` and ``data`` hold no Python)."""
SHAPE = ("domain.py", "schema.py", "service.py", "cli.py", "indicators.py", "errors.py")
"""Files every domain has (``demo.py`` too where the domain has demo data)."""
ROOT = Path(str(importlib.resources.files("paknam")))


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("paknam", cache_dir=None)


def _top_level() -> set[str]:
    names = set()
    for path in ROOT.iterdir():
        if path.suffix == ".py" and path.stem != "__init__":
            names.add(path.stem)
        elif path.is_dir() and (path / "__init__.py").exists():
            names.add(path.name)
    return names


def test_every_top_level_package_is_platform_or_a_registered_domain() -> None:
    registered = {d.name for d in domains()}
    assert _top_level() == PLATFORM | registered
    for name in registered:
        assert (ROOT / name / "domain.py").exists(), name


def test_no_domain_imports_another_domain(graph: grimp.ImportGraph) -> None:
    names = [f"paknam.{d.name}" for d in domains()]
    for a, b in itertools.permutations(names, 2):
        chain = graph.find_shortest_chain(importer=a, imported=b, as_packages=True)
        assert chain is None, f"{a} imports {b}: {' -> '.join(chain or ())}"


def test_domains_and_sources_import_only_core_and_themselves(graph: grimp.ImportGraph) -> None:
    for name in [d.name for d in domains()] + ["sources"]:
        for other in PLATFORM - {"core", name}:
            chain = graph.find_shortest_chain(
                importer=f"paknam.{name}", imported=f"paknam.{other}", as_packages=True
            )
            assert chain is None, f"paknam.{name} imports paknam.{other}: {chain}"


def test_top_level_packages_form_no_cycle(graph: grimp.ImportGraph) -> None:
    for a, b in itertools.combinations(sorted(_top_level()), 2):
        there = graph.chain_exists(f"paknam.{a}", f"paknam.{b}", as_packages=True)
        back = graph.chain_exists(f"paknam.{b}", f"paknam.{a}", as_packages=True)
        assert not (there and back), f"paknam.{a} and paknam.{b} import each other"


@pytest.mark.parametrize("name", [d.name for d in domains()])
def test_every_domain_has_the_same_shape(name: str) -> None:
    missing = [f for f in SHAPE if not (ROOT / name / f).exists()]
    assert not missing, f"{name} lacks {missing}"
    d = next(d for d in domains() if d.name == name)
    assert (d.demo is None) or (ROOT / name / "demo.py").exists()


def test_each_table_has_one_owner() -> None:
    owned = [t for d in domains() for t in d.tables]
    assert len(owned) == len(set(owned))
    assert set(owned) <= set(metadata.tables), set(owned) - set(metadata.tables)
    assert {"alerts", "complaints", "energy_sites"} <= set(owned)


def test_every_warning_kind_reaches_a_known_topic() -> None:
    kinds = [k for d in domains() for k in d.warning_kinds]
    assert {k.kind for k in kinds} >= {"aqi", "do_low", "do_drop", "wqi_poor", "water_level"}
    for k in kinds:
        assert k.topic in TOPICS, (k.kind, k.topic)
        assert k.event.categories and k.event.event_th and k.event.event_en


def test_domains_read_core_tables_only_through_core_functions() -> None:
    """A domain declares its own tables on ``metadata`` and reads stations, districts and
    warnings through :mod:`paknam.core` functions, never the core tables themselves."""
    import ast

    for d in domains():
        for path in (ROOT / d.name).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "paknam.core.schema":
                    names = {a.name for a in node.names}
                    assert names <= {"metadata"}, f"{path.relative_to(ROOT)} imports {names}"
