"""Shared fixtures, and the rule for tests that need real services.

Tests marked `postgres`, `redis`, `worker` or `browser` skip when the service is missing. A run
that promises a service must not pass by skipping: with SALESORG_REQUIRE_SERVICES=1 (CI's second
pass, on PostgreSQL and Redis) a missing PostgreSQL or Redis fails the test; under CI=true a
missing Chromium fails it (CI installs it for both passes). CI's first pass is a new user's
`make test` (SQLite, no broker): there the postgres, redis and worker tests skip.
"""

from __future__ import annotations

import os
import shutil
from functools import cache

import pytest
from django.conf import settings

TRUE = ("1", "true", "yes")
IN_CI = os.environ.get("CI", "").lower() in TRUE
REQUIRE_SERVICES = os.environ.get("SALESORG_REQUIRE_SERVICES", "").lower() in TRUE


@cache
def _redis_url() -> str | None:
    # Only the configured broker: a new user's run (no CELERY_BROKER_URL) does not use a Redis
    # that happens to be on the machine.
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


def _missing(item: pytest.Item) -> tuple[str, bool] | None:
    """What the test needs and lacks, and whether this run promised it (then the test fails)."""
    if "postgres" in item.keywords and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return "needs PostgreSQL (set DATABASE_URL)", REQUIRE_SERVICES
    if ("redis" in item.keywords or "worker" in item.keywords) and _redis_url() is None:
        return "needs Redis (set CELERY_BROKER_URL)", REQUIRE_SERVICES
    if "browser" in item.keywords and not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        return "needs Debian's chromium at /usr/bin/chromium (`make browser-deps`)", IN_CI
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = _missing(item)
    if missing:
        reason, required = missing
        if required:
            pytest.fail(f"this run requires what this test {reason}", pytrace=False)
        pytest.skip(reason)


TEMPLATE_DIR = "salesorg_template_dir"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist's controller, for each worker: the folder the workers share for the template database
    (its lock and, on SQLite, its file)."""
    config = node.config
    if not hasattr(config, "_salesorg_template_dir"):
        import tempfile

        config._salesorg_template_dir = tempfile.mkdtemp(prefix="salesorg-test-template-")
    node.workerinput[TEMPLATE_DIR] = config._salesorg_template_dir


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_salesorg_template_dir", None)
    if folder:
        from pytest_django.plugin import blocking_manager_key

        from tests.template_db import drop_template

        try:
            with config.stash[blocking_manager_key].unblock():
                drop_template(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
):
    """pytest-django's test database, migrated once per run instead of once per xdist worker.

    Migrating costs a worker 50-100 s (the migration state of every model related to a person is
    rendered again at each operation), and two workers migrating at once slow each other down.
    Under xdist the first worker migrates a template (a file for SQLite, a database for PostgreSQL)
    while holding a lock in the run's shared temporary folder; every worker then starts from a copy
    of it (SQLite's backup into its in-memory database, PostgreSQL's CREATE DATABASE ... TEMPLATE),
    and Django's own setup finds it migrated (keepdb: `migrate` applies nothing, as with
    `--reuse-db`). One process, `--reuse-db` or `--no-migrations`: pytest-django's setup as is."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests.template_db import TemplateDatabase

    verbosity = request.config.option.verbose
    template = None
    shared = getattr(request.config, "workerinput", {}).get(TEMPLATE_DIR)
    if shared and django_db_use_migrations and not django_db_keepdb:
        template = TemplateDatabase(connection, shared)
    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        if template is not None and aliases:
            template.copy_to_worker()
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            keepdb=keepdb or template is not None,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
        )
        if "default" in aliases and any(_transactional(item) for item in request.session.items):
            _SEEDED["default"] = connection.creation.serialize_db_to_string()
    yield
    _SEEDED.clear()
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)
            if template is not None:
                template.release_worker()


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite():
    """On SQLite the test database lives in memory, and Django's live server hands the test
    thread's one connection to every request thread. Two requests at once (a page and its htmx
    poll) then interleave transactions on that one connection ("no such savepoint", "pop from
    empty list"), and the failed test's open transaction locks the next test's flush. So on SQLite
    the live server answers one request at a time (and closes each connection, as Django's
    development server does when it is not threaded); on PostgreSQL each request thread has its
    own connection and the server stays threaded."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # The live server thread itself took the overriding connections (LiveServerThread.run),
            # and every request is handled in that thread.
            super().__init__(*args, **kwargs)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the settings' language: a test (or a request it makes) that activates
    Chinese must not change the messages the next test sees."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def redis_url() -> str:
    url = _redis_url()
    assert url is not None
    return url


class Org:
    """A five-level org tree (director > regional manager > team manager > rep > junior rep).

    Region R1 has teams T1a and T1b; region R2 has team T2a.
    """

    def __init__(self) -> None:
        from staff.models import Position
        from staff.tests.factories import PersonFactory, RegionFactory, TeamFactory

        self.r1 = RegionFactory(code="R1", name="East")
        self.r2 = RegionFactory(code="R2", name="South")
        self.t1a = TeamFactory(code="T1A", name="Shanghai 1", region=self.r1)
        self.t1b = TeamFactory(code="T1B", name="Hangzhou 1", region=self.r1)
        self.t2a = TeamFactory(code="T2A", name="Guangzhou 1", region=self.r2)

        def person(username: str, position: str, **kwargs):
            return PersonFactory(user__username=username, name=username, position=position, **kwargs)

        self.director = person("director", Position.DIRECTOR)
        self.rm1 = person("rm1", Position.REGIONAL_MANAGER, region=self.r1, manager=self.director)
        self.rm2 = person("rm2", Position.REGIONAL_MANAGER, region=self.r2, manager=self.director)
        self.tm1a = person("tm1a", Position.TEAM_MANAGER, team=self.t1a, manager=self.rm1)
        self.tm1b = person("tm1b", Position.TEAM_MANAGER, team=self.t1b, manager=self.rm1)
        self.tm2a = person("tm2a", Position.TEAM_MANAGER, team=self.t2a, manager=self.rm2)
        self.rep1a1 = person("rep1a1", Position.REP, team=self.t1a, manager=self.tm1a)
        self.rep1a2 = person("rep1a2", Position.REP, team=self.t1a, manager=self.tm1a)
        self.rep1b1 = person("rep1b1", Position.REP, team=self.t1b, manager=self.tm1b)
        self.rep2a1 = person("rep2a1", Position.REP, team=self.t2a, manager=self.tm2a)
        # A fifth level: a junior rep who reports to a senior rep.
        self.junior1a = person("junior1a", Position.REP, team=self.t1a, manager=self.rep1a1)

    @property
    def people(self) -> list:
        return [
            self.director,
            self.rm1,
            self.rm2,
            self.tm1a,
            self.tm1b,
            self.tm2a,
            self.rep1a1,
            self.rep1a2,
            self.rep1b1,
            self.rep2a1,
            self.junior1a,
        ]


@pytest.fixture
def org(db) -> Org:
    return Org()


# The test files that keep one worker busiest (seconds of `make test`'s --durations on the 2-core
# CI machine), started first. xdist hands out one file at a time, in the order of the
# collection: a long file dealt last keeps one worker running while the other has finished (the
# suite's last 5% once took 6 of its 15 minutes). Add a file here when --durations shows it near
# the top.
SLOW_FIRST = (
    "tests/test_schemathesis.py",  # ~310 s on PostgreSQL, ~130 s on SQLite (two roles)
    "tests/test_migration_history.py",  # 200-320 s (PostgreSQL only)
    "tests/test_browser_axe.py",  # ~120 s
    "tests/test_browser_walks.py",
    "tests/test_browser_dashboard.py",
    "tests/test_browser_quotes.py",
    "targets/tests/test_selectors.py",
    "tests/test_browser_targets.py",
    "tests/test_browser_field_phone.py",
    "tests/test_imports_robustness.py",
)


def pytest_configure(config: pytest.Config) -> None:
    # xdist would deal the files by their number of tests (most first); the order is ours below.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    config.pluginmanager.register(_Groups(), "salesorg-groups")


def _group(item: pytest.Item) -> str:
    shared_redis = "redis" in item.keywords or "worker" in item.keywords
    return "redis" if shared_redis else item.nodeid.split("::")[0].split("@")[0]


class _Groups:
    """Names each test's work unit for `--dist loadgroup`: its group, after an `@` at the end of its
    node id, which is what xdist's scheduler splits on. xdist 3.8.0 writes that suffix into
    `item._nodeid`, which pytest 9.2 no longer reads (a node id is `item._id` now), so every test
    was a unit of its own, dealt to either worker: a file's module fixtures (the demo world of
    the security and fuzzing tests) were built on both, and the Redis tests ran on both at once.
    The `xdist_group` mark stays for the readers of marks. Runs first, before xdist's own hook."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        from _pytest.nodeid import NodeId

        loadgroup = bool(config.getvalue("loadgroup"))
        for item in items:
            group = _group(item)
            item.add_marker(pytest.mark.xdist_group(group))
            if loadgroup and not item.nodeid.endswith(f"@{group}"):
                item._id = NodeId.parse(f"{item.nodeid}@{group}")


def _transactional(item: pytest.Item) -> bool:
    """Whether the test commits to the database and flushes it afterwards (pytest-django's rule,
    by which it sorts such tests last): the flush also empties what the migrations wrote (the KPI
    catalogue, the default rules), which pytest_runtest_teardown puts back."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    cls = getattr(item, "cls", None)
    if cls and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for `pytest -n 2 --dist loadgroup` (the Makefile's `make test`): a test file stays on
    one worker (module fixtures such as the security world are built once), and every test that
    talks to the configured Redis runs on the same worker, one after another. The groups are dealt
    longest first: the first file of SLOW_FIRST, the files that need no database (run by the
    other worker while the first migrates the template), the rest of SLOW_FIRST in its order,
    then the others by their number of tests (most first). Each group keeps its tests in the order
    they come (after pytest-django's sort: this hook runs last). A transactional test may run
    before any other on its worker: what its flush removed is put back after it
    (pytest_runtest_teardown)."""
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(_group(item), []).append(item)
    slow = {path: rank for rank, path in enumerate(SLOW_FIRST)}

    def rank(group: str) -> tuple[int, int]:
        # The longest file first: its worker migrates the template database. The files that need
        # no database come next, so that the other worker runs them meanwhile instead of waiting
        # for the template (about 40 s of them); then the other long files, then the rest.
        if slow.get(group) == 0:
            return (0, 0)
        if not any(_uses_database(item) for item in groups[group]):
            return (1, 0)
        return (2, slow.get(group, len(slow)))

    order = sorted(groups, key=lambda group: (rank(group), -len(groups[group])))
    items[:] = [item for group in order for item in groups[group]]


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def _uses_database(item: pytest.Item) -> bool:
    """Whether the test asks for the test database (its mark, or a fixture that needs it, however
    indirectly). Only the order of the groups depends on it: a test that needs the database
    still waits for it."""
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


# What the migrations wrote into the test database (the calendar, the KPI catalogue, the default
# rules, content types and permissions), serialized by django_db_setup when the run has a
# transactional test.
_SEEDED: dict[str, str] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a transactional test (and its flush, which empties every table), the rows the
    migrations wrote are put back with their ids, as Django's serialized rollback would before
    the next such test; the tests after it on the same worker, transactional or not, find the
    database as migrated, whatever order the workers run them in."""
    result = yield
    if _SEEDED and _transactional(item):
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command
        from django.core.management.color import no_style
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(_SEEDED["default"])
            # A table the test dropped and made again (the migration history) has a new sequence:
            # each one is moved past the ids just put back (PostgreSQL; SQLite needs nothing).
            models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        ContentType.objects.clear_cache()
    return result
