"""Import payments from an ERP's CSV or Excel export: all rows or none."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sales.management.commands.import_orders import run
from sales.models import ImportKind


class Command(BaseCommand):
    help = "Import payments from CSV or Excel (idempotent on ERP order number + payment reference)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="CSV (UTF-8 or GBK, , or ; separated) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")

    def handle(self, *args: Any, path: str, dry_run: bool, **options: Any) -> None:
        run(self, path=path, dry_run=dry_run, kind=ImportKind.PAYMENTS)
