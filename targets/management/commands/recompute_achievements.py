from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from targets.models import RecomputeRun
from targets.services import achievements_recompute


class Command(BaseCommand):
    help = "Recompute every achievement of the fiscal year containing the as-of day (default: yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD, the last day counted (default: yesterday)")

    def handle(self, *args, as_of: str | None = None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate() - timedelta(days=1)
        except ValueError as exc:
            raise CommandError(f"--as-of: '{as_of}' is not a date (YYYY-MM-DD)") from exc
        run = RecomputeRun.objects.create(as_of=day, trigger="command")
        run = achievements_recompute(as_of=day, run=run)
        elapsed = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Recomputed {run.rows} achievements as of {day} in {elapsed:.1f} s"))
