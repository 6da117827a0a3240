"""Import customers from CSV or Excel as a user (the page's rules): a dry run, or all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from customers.services.customer_import import ImportPlan, apply_import, plan_import
from salesorg.exceptions import ApplicationError, NotAllowed


class Command(BaseCommand):
    help = (
        "Import customers from CSV or Excel, matched by code, else tax number, else normalised name "
        "(re-importing updates), as the given user: their authority and data scope apply."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="CSV (UTF-8 or GBK, , or ; separated) or .xlsx file")
        parser.add_argument("--user", required=True, help="username of the manager (or admin) importing")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change and write nothing.")

    def handle(self, *args: Any, path: str, user: str, dry_run: bool, **options: Any) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"No active user {user}")
        run = plan_import if dry_run else apply_import
        try:
            plan: ImportPlan = run(user=account, name=file.name, content=file.read_bytes())
        except ApplicationError as exc:
            for message in [*exc.fields.get("file", []), *exc.fields.get("rows", [])]:
                self.stderr.write(str(message))
            raise CommandError(exc.message) from None
        except NotAllowed as exc:
            raise CommandError(exc.message) from None
        for row in plan.rows:
            for field, old, new in row.changes:
                self.stdout.write(f"line {row.line}: {row.code}: {field}: {old} -> {new}")
            for field, message in row.problems:
                self.stderr.write(f"line {row.line}: {field}: {message}")
        counts = plan.counts
        summary = ", ".join(f"{counts[k]} {k}" for k in ("added", "changed", "unchanged", "refused"))
        if counts["refused"]:
            raise CommandError(f"{summary}; nothing was imported.")
        verb = "checked (dry run, nothing written)" if dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(f"{len(plan.rows)} rows {verb}: {summary}"))
