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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for `pytest -n 2 --dist loadgroup` (the Makefile's `make test`): a test file stays on
    one worker (module fixtures such as the security world are built once), and every test that
    talks to the configured Redis runs on the same worker, one after another."""
    for item in items:
        shared_redis = "redis" in item.keywords or "worker" in item.keywords
        item.add_marker(pytest.mark.xdist_group("redis" if shared_redis else item.nodeid.split("::")[0]))
