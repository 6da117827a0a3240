from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from salesorg.exceptions import ApplicationError
from staff.services import calendar_refresh


class Command(BaseCommand):
    help = (
        "Fill the working-day calendar with the official holidays and make-up workdays of WORKING_CALENDAR "
        "(every year the installed calendar knows, or the --year given); the days admins set are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", dest="years", type=int, action="append", metavar="YYYY", help="a year to refresh (repeatable)"
        )

    def handle(self, *args, years: list[int] | None = None, **options):
        try:
            done = calendar_refresh(years=years)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if not done.years:
            self.stdout.write(f"WORKING_CALENDAR={settings.WORKING_CALENDAR}: no official calendar, nothing written")
            return
        first, last = done.years[0], done.years[-1]
        contiguous = len(done.years) == last - first + 1
        span = f"{first}-{last}" if contiguous and first != last else ", ".join(map(str, done.years))
        self.stdout.write(
            self.style.SUCCESS(
                f"Official calendar {span}: {done.added} added, {done.updated} updated, {done.removed} removed, "
                f"{done.unchanged} unchanged; {done.admin_kept} set by admins kept"
            )
        )
