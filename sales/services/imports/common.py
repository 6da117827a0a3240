"""What the order and payment imports share: the result of a run, opening the file, the first pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sales.domain import normalise_header
from salesorg import imports as salesorg_imports
from salesorg.exceptions import ApplicationError
from salesorg.imports import Table


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    total_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    amount: Decimal = Decimal("0.00")

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append({"line": line, "field": column, "message": str(message)})

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "amount": str(self.amount),
        }


def open_table(result: ImportResult, content: bytes, file_name: str, required: list[str]) -> Table | None:
    """The file as a table (ERP aliases mapped to column names), or None with the refusal recorded."""
    try:
        table = salesorg_imports.read_table(name=file_name, content=content, normalise=normalise_header)
    except ApplicationError as exc:  # empty, not a workbook, unknown encoding: line 0 is the file
        result.error(0, "file", exc.message)
        return None
    missing = [c for c in required if c not in table.header]
    if missing:
        result.total_rows = sum(1 for _row in table)
        result.error(1, ", ".join(missing), _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        return None
    return table


def first_pass(table: Table, result: ImportResult, collect: Callable[[dict[str, str]], None]) -> bool:
    """Count the rows and collect what they refer to; False (refusal recorded) for a malformed file."""
    try:
        for _line, r in table:
            result.total_rows += 1
            collect(r)
    except ApplicationError as exc:
        result.error(0, "file", exc.message)
        return False
    return True


def write_all(result: ImportResult, write: Callable[[], None]) -> bool:
    """Run an import's writes in one transaction: all rows or none. A refusal while writing (a race
    with another writer) is recorded on line 0 of the file and nothing is written."""
    try:
        with transaction.atomic():
            write()
    except ApplicationError as exc:
        result.error(0, ", ".join(exc.fields) or "file", exc.message)
        return False
    return True
