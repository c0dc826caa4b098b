"""The floors hold: each app imports only the apps below it.

    metlib  <-  cohorts  <-  nominations, sessions  <-  certificates  <-  circle  <-  demo

``metlib`` is the project's base and imports no app; ``sessions`` needs no ``nominations`` and
``certificates`` none either; ``circle`` (the pages that read across apps) and ``demo`` sit on
top. Every import in the apps' code counts, at any depth (an import inside a function is still
a dependency). Migrations are left out: they name other apps' migrations by design.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each app may import, besides itself and anything outside the project.
MAY_IMPORT = {
    "metlib": set(),
    "cohorts": {"metlib"},
    "nominations": {"metlib", "cohorts"},
    "sessions": {"metlib", "cohorts"},
    "certificates": {"metlib", "cohorts", "sessions"},
    "circle": {"metlib", "cohorts", "nominations", "sessions", "certificates"},
    "demo": {"metlib", "cohorts", "nominations", "sessions", "certificates", "circle"},
}
APPS = set(MAY_IMPORT)


def imported_apps(source: str, *, package: str) -> set[tuple[str, int]]:
    """(app, line) of every project app an import in ``source`` names; ``package`` is the
    dotted package the file lives in, for relative imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                found.add((top, node.lineno))
    return found


def violations(app: str, root: Path = ROOT) -> list[str]:
    allowed = MAY_IMPORT[app] | {app}
    wrong = []
    for path in sorted((root / app).rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        package = ".".join(relative.with_suffix("").parts[:-1])
        for imported, line in sorted(imported_apps(path.read_text(), package=package)):
            if imported not in allowed:
                wrong.append(f"{relative}:{line} imports {imported}")
    return wrong


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_an_app_imports_only_the_floors_below_it(app):
    assert violations(app) == []


def test_every_app_is_in_the_contract():
    from django.conf import settings

    ours = {name.split(".")[0] for name in settings.INSTALLED_APPS} & {
        path.parent.name for path in ROOT.glob("*/apps.py")
    }
    assert ours == APPS


def test_the_contract_sees_an_import_pointing_up(tmp_path):
    """The check itself: an upward import at any depth, absolute or relative, is found."""
    app = tmp_path / "sessions"
    (app / "sub").mkdir(parents=True)
    (app / "views.py").write_text("from cohorts.models import Cohort\nimport certificates\n")
    (app / "sub" / "inner.py").write_text(
        "def later():\n    from nominations.models import Nomination\n    from ..models import X\n"
    )
    assert violations("sessions", root=tmp_path) == [
        "sessions/sub/inner.py:2 imports nominations",
        "sessions/views.py:2 imports certificates",
    ]


def test_relative_imports_resolve_to_their_own_package():
    assert imported_apps("from ..models import X\n", package="circle.views") == {("circle", 1)}
    assert imported_apps("from . import exports\n", package="circle") == {("circle", 1)}
