"""The test database migrated once per pytest run and copied to each xdist worker (conftest.py's
`django_db_setup`).

The first worker to take the lock (a file in a folder the controller made for the run and handed
to every worker: conftest.py's `pytest_configure_node`) migrates a template with Django's own
`create_test_db`: a file next to the lock on SQLite, the database `test_<NAME>_template` on
PostgreSQL. Every worker, the first included, then
copies it to the database it tests on, still under the lock:

- SQLite: the worker's in-memory database (`file:memorydb_default?mode=memory&cache=shared`) is
  filled by SQLite's backup from the template file. An in-memory database lives while a
  connection holds it open, so the copy's connection stays open until the worker ends.
- PostgreSQL: `CREATE DATABASE <worker's test database> TEMPLATE <template>` (which needs nobody
  connected to the template: the lock keeps the other workers out while one copies).

Django's `setup_databases(keepdb=True)` then finds the database migrated. The controller drops the
PostgreSQL template and removes the folder when the run ends (`drop_template`).
"""

from __future__ import annotations

import fcntl
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

BUILT = "template-built"


def _is_sqlite(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "sqlite"


def template_name(connection: BaseDatabaseWrapper) -> str:
    """The PostgreSQL template's name, from the configured (not the test) database's name."""
    return f"test_{connection.settings_dict['NAME']}_template"


class TemplateDatabase:
    def __init__(self, connection: BaseDatabaseWrapper, shared: Path) -> None:
        self.connection = connection
        self.folder = Path(shared)
        self.lock_path = self.folder / "template-db.lock"
        self.file = self.folder / "template.sqlite3"
        self._holder: sqlite3.Connection | None = None

    @contextmanager
    def _locked(self):
        with open(self.lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def copy_to_worker(self) -> None:
        with self._locked():
            if not (self.folder / BUILT).exists():
                self._build()
                (self.folder / BUILT).write_text(template_name(self.connection))
            if _is_sqlite(self.connection):
                self._copy_sqlite()
            else:
                self._copy_postgresql()

    def _build(self) -> None:
        """Migrate the template with Django's test database creation, then put the connection's
        settings back as they were (destroy_test_db with keepdb restores the name)."""
        creation = self.connection.creation
        test = self.connection.settings_dict["TEST"]
        old_name, old_test_name = self.connection.settings_dict["NAME"], test.get("NAME")
        test["NAME"] = str(self.file) if _is_sqlite(self.connection) else template_name(self.connection)
        try:
            creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
            creation.destroy_test_db(old_name, verbosity=0, keepdb=True)
        finally:
            test["NAME"] = old_test_name

    def _copy_sqlite(self) -> None:
        memory = self.connection.creation._get_test_db_name()
        assert self.connection.creation.is_in_memory_db(memory), memory
        self._holder = sqlite3.connect(memory, uri=True, check_same_thread=False)
        source = sqlite3.connect(self.file)
        try:
            source.backup(self._holder)
        finally:
            source.close()

    def _copy_postgresql(self) -> None:
        quote = self.connection.ops.quote_name
        target = self.connection.creation._get_test_db_name()
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
            cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template_name(self.connection))}")

    def release_worker(self) -> None:
        if self._holder is not None:
            self._holder.close()
            self._holder = None


def drop_template(shared: str | Path) -> None:
    """At the end of the run (the xdist controller): drop the PostgreSQL template a worker built."""
    from django.db import connection

    if _is_sqlite(connection) or not (Path(shared) / BUILT).exists():
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template_name(connection))}")
