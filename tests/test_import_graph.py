"""Imports point one way (DESIGN.md "Apps and what each owns").

Each app imports only the apps to its left:
salesorg <- staff <- notifications <- customers <- sales <- fieldwork <- targets <- appraisal
<- training <- dashboard <- demo.

The checker walks every production module of our apps (all .py files except tests/), reading
with `ast`:
- `import x` / `from x import y`, at module level and inside functions and classes;
- string model references: the first argument or `to=` of ForeignKey, ManyToManyField,
  OneToOneField ("training.Course"), and `get_model("training.Course")` /
  `get_model("training", "Course")`;
- in migrations: `dependencies` on another app's migrations (and the references above).
Relative imports stay inside their app and are never a violation. An app not (yet) in ORDER is
not checked. A lower app that must let a higher one act sends a documented signal or exposes a
registry; the few exceptions are in ALLOWED, each with its reason, and an entry that no longer
matches anything fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = (
    "salesorg",
    "staff",
    "notifications",
    "customers",
    "sales",
    "fieldwork",
    "targets",
    "appraisal",
    "training",
    "dashboard",
    "demo",
)
RANK = {app: index for index, app in enumerate(ORDER)}
MODEL_FIELDS = {"ForeignKey", "ManyToManyField", "OneToOneField"}

# DESIGN: salesorg imports none of the apps "except in URL and Celery wiring": these files may
# reach any app.
WIRING: dict[str, str] = {
    "salesorg/urls.py": "root URL wiring (DESIGN permits)",
    "salesorg/celery.py": "Celery wiring (DESIGN permits)",
}
# (file, the app it reaches up to): the reason. Keep it short.
ALLOWED: dict[tuple[str, str], str] = {
    (
        "appraisal/models/outcomes.py",
        "training",
    ): "Outcome.course -> training.Course; moves with the outcome kinds in issue 20",
    ("appraisal/migrations/0001_kpis_schemes_scorecards_outcomes_commission_contests.py", "training"): (
        "the migration of Outcome.course; moves with the outcome kinds in issue 20"
    ),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    app: str
    target: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.app} -> {self.target} ({self.what})"


def _app_of(path: str) -> str:
    return path.split("/", 1)[0]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _model_label(call: ast.Call) -> str | None:
    """The app label a model field or `get_model` call names, if it names one by string."""
    name = _name(call.func)
    if name in MODEL_FIELDS:
        to = next((kw.value for kw in call.keywords if kw.arg == "to"), call.args[0] if call.args else None)
        ref = _string(to)
        return ref.split(".", 1)[0] if ref and "." in ref else None
    if name == "get_model" and call.args:
        ref = _string(call.args[0])
        if ref and len(call.args) == 1 and "." in ref:
            return ref.split(".", 1)[0]
        return ref if len(call.args) > 1 else None
    return None


def _dependencies(tree: ast.Module) -> list[tuple[int, str]]:
    """Migration `dependencies = [("app", "0001_x"), ...]`: (line, app) per entry."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(_name(t) == "dependencies" for t in node.targets):
            for item in getattr(node.value, "elts", []):
                if isinstance(item, ast.Tuple) and item.elts and (app := _string(item.elts[0])):
                    found.append((item.lineno, app))
    return found


def _reaches(tree: ast.Module, *, migration: bool) -> list[tuple[int, str, str]]:
    """(line, app, what) for every app this module reaches by import, string reference or dependency."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0], f"import {alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0], f"from {node.module} import ..."))
        elif isinstance(node, ast.Call) and (label := _model_label(node)):
            found.append((node.lineno, label, f"model reference {label}.*"))
    if migration:
        found += [(line, app, f"migration dependency on {app}") for line, app in _dependencies(tree)]
    return found


def violations_in_source(path: str, source: str) -> list[Violation]:
    """The upward reaches of one module, `path` relative to the project root (e.g. staff/models.py)."""
    app = _app_of(path)
    if app not in RANK:
        return []
    tree = ast.parse(source, filename=path)
    migration = "/migrations/" in f"/{path}"
    return [
        Violation(path, line, app, target, what)
        for line, target, what in _reaches(tree, migration=migration)
        if target in RANK and RANK[target] > RANK[app]
    ]


def production_modules() -> list[Path]:
    """Every .py file under our app folders, except tests."""
    files = []
    for app in ORDER:
        folder = ROOT / app
        if folder.is_dir():
            files += [p for p in folder.rglob("*.py") if "tests" not in p.relative_to(folder).parts]
    return sorted(files)


def all_violations() -> list[Violation]:
    found = []
    for file in production_modules():
        path = file.relative_to(ROOT).as_posix()
        found += violations_in_source(path, file.read_text(encoding="utf-8"))
    return found


def test_imports_point_one_way():
    found = all_violations()
    against = [str(v) for v in found if v.path not in WIRING and (v.path, v.target) not in ALLOWED]
    assert not against, "Imports against the dependency order (DESIGN.md):\n" + "\n".join(against)


def test_every_allowed_entry_is_still_needed():
    """An exception that matches nothing is stale: remove it."""
    used = {(v.path, v.target) for v in all_violations()}
    stale = [key for key in ALLOWED if key not in used]
    assert not stale, f"ALLOWED entries that match nothing: {stale}"


def test_the_checker_sees_the_files():
    paths = {p.relative_to(ROOT).as_posix() for p in production_modules()}
    assert "staff/authority/core.py" in paths
    assert "appraisal/migrations/0001_kpis_schemes_scorecards_outcomes_commission_contests.py" in paths
    assert not any("/tests/" in p for p in paths)


# The checker itself: an upward import is caught in each form it can take.


def test_an_upward_import_fails():
    source = "from staff.models import Person\nfrom dashboard import views\n"
    assert [str(v) for v in violations_in_source("staff/services/example.py", source)] == [
        "staff/services/example.py:2: staff -> dashboard (from dashboard import ...)"
    ]


def test_an_upward_import_inside_a_function_fails():
    source = "def f():\n    import training.models\n    return training.models\n"
    found = violations_in_source("appraisal/services/example.py", source)
    assert [(v.line, v.app, v.target) for v in found] == [(2, "appraisal", "training")]


def test_an_upward_model_reference_fails():
    source = (
        "from django.db import models\n"
        "class X(models.Model):\n"
        "    a = models.ForeignKey('training.Course', on_delete=models.CASCADE)\n"
        "    b = models.ManyToManyField(to='dashboard.Notification')\n"
        "    c = models.OneToOneField('staff.Person', on_delete=models.CASCADE)\n"
        "def f(apps):\n"
        "    return apps.get_model('training.Course'), apps.get_model('dashboard', 'Notification')\n"
    )
    found = violations_in_source("appraisal/models.py", source)
    assert [(v.line, v.target) for v in found] == [(3, "training"), (4, "dashboard"), (7, "training"), (7, "dashboard")]


def test_an_upward_migration_dependency_fails():
    source = (
        "from django.db import migrations\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [\n"
        "        ('staff', '0001_initial'),\n"
        "        ('training', '0001_initial'),\n"
        "    ]\n"
    )
    found = violations_in_source("appraisal/migrations/0002_x.py", source)
    assert [str(v) for v in found] == [
        "appraisal/migrations/0002_x.py:5: appraisal -> training (migration dependency on training)"
    ]


def test_downward_relative_and_foreign_imports_pass():
    source = (
        "from . import models\nfrom .services import x\nimport django.db\nfrom staff import authority\n"
        "from targets.models import Achievement\nimport salesorg.periods\n"
    )
    assert violations_in_source("appraisal/services/example.py", source) == []


def test_an_added_upward_file_fails_the_whole_walk(tmp_path, monkeypatch):
    """The walk over the tree catches a new module, not only the function on a string."""
    (tmp_path / "staff").mkdir()
    (tmp_path / "staff" / "oops.py").write_text("from dashboard import views\n", encoding="utf-8")
    (tmp_path / "staff" / "tests").mkdir()
    (tmp_path / "staff" / "tests" / "test_x.py").write_text("from dashboard import views\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert [str(v) for v in all_violations()] == ["staff/oops.py:1: staff -> dashboard (from dashboard import ...)"]
