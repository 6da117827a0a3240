"""Import orders (lines and credit shares) from an ERP's CSV or Excel export: all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sales.models import ImportKind
from sales.services.imports import ImportResult, import_run

KIND = ImportKind.ORDERS


def run(command: BaseCommand, *, path: str, dry_run: bool, kind: str) -> None:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such file: {path}")
    result: ImportResult = import_run(kind=kind, content=file.read_bytes(), file_name=file.name, dry_run=dry_run)
    for error in result.errors:
        command.stderr.write(f"line {error['line']}: {error['field']}: {error['message']}")
    if result.errors:
        raise CommandError(f"{len(result.errors)} bad row(s); nothing was imported.")
    verb = "checked (dry run, nothing written)" if dry_run else "imported"
    command.stdout.write(
        command.style.SUCCESS(
            f"{result.total_rows} rows {verb}: {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged; amount {result.amount}"
        )
    )


class Command(BaseCommand):
    help = "Import orders with lines and credit shares from CSV or Excel (idempotent on the ERP order number)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="CSV (UTF-8 or GBK, , or ; separated) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")

    def handle(self, *args: Any, path: str, dry_run: bool, **options: Any) -> None:
        run(self, path=path, dry_run=dry_run, kind=KIND)
