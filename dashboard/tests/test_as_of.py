"""One as-of date for every screen: the rep home shows time progress as of the day its actuals were
counted to (the last run's as-of date, yesterday for the nightly run), as the dashboard does, not
as of today."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dashboard.selectors import rep_home
from dashboard.tests.factories import AS_OF, march_book, sale
from salesorg.formatting import percent
from targets.models import Achievement
from targets.services import achievements_recompute
from targets.tests import factories as tf

pytestmark = pytest.mark.django_db


def test_rep_home_time_progress_is_the_actuals_as_of_not_today(org):
    # Given March's actuals computed as of 2026-03-15 (the night of the 16th computes the 15th)
    march_book(org)
    # When the rep opens the home on the 16th
    data = rep_home(user=org.rep1a1.user, person=org.rep1a1, today=date(2026, 3, 16))
    month, quarter, year = data["targets"]
    assert data["as_of"] == AS_OF == date(2026, 3, 15)
    # Then March: 15 days counted of 31 = 0.48387 (as of today it would be 16 / 31 = 0.5161).
    assert round(month["time_progress"], 4) == Decimal("0.4839")
    # Q1: January 31 + February 28 + 15 = 74 days of 31 + 28 + 31 = 90 -> 0.8222.
    assert round(quarter["time_progress"], 4) == Decimal("0.8222")
    # 2026: 74 days of 365 -> 0.2027.
    assert round(year["time_progress"], 4) == Decimal("0.2027")
    # And the month's rows carry the same as-of and time progress the dashboard shows.
    sales = next(a for a in month["rows"] if a.metric == "sales_amount")
    assert sales.as_of == AS_OF
    assert sales.time_progress == round(month["time_progress"], 4)


def test_before_any_run_the_time_progress_is_as_of_yesterday(org):
    # No target and no run: the standard as-of date, yesterday.
    data = rep_home(user=org.rep1a2.user, person=org.rep1a2, today=date(2026, 3, 16))
    month, quarter, _year = data["targets"]
    assert data["as_of"] == date(2026, 3, 15)
    assert month["rows"] == []
    # 15 / 31 = 0.4839 as above; on the 1st of a month the month has not begun: 0.
    assert round(month["time_progress"], 4) == Decimal("0.4839")
    first = rep_home(user=org.rep1a2.user, person=org.rep1a2, today=date(2026, 4, 1))
    assert first["targets"][0]["time_progress"] == Decimal(0)
    # ... while its quarter (Q2, from April 1) has not begun either, and the year has run 90 days:
    # 31 + 28 + 31 = 90 of 365 = 0.2466.
    assert first["targets"][1]["time_progress"] == Decimal(0)
    assert round(first["targets"][2]["time_progress"], 4) == Decimal("0.2466")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rep_home_page_shows_the_as_of_date_and_the_rows_time_progress(org, client, language):
    # Today's month, computed as of yesterday as the nightly run does.
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    month = f"{today:%Y-%m}"
    tf.target(org.rep1a1, period=month, value="1000.00", status="approved")
    if yesterday.month == today.month:
        sale(org.rep1a1, yesterday, "250.00")
    achievements_recompute(as_of=yesterday)
    client.force_login(org.rep1a1.user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert yesterday.isoformat() in html
    row = Achievement.objects.filter(person=org.rep1a1, period=month, metric="sales_amount").first()
    if row is not None:
        assert row.as_of == yesterday
        with translation.override(language):
            # The month card's own line, not the bar's tooltip (which reads the row).
            card = f"{month} · {translation.gettext('Time progress')} {percent(row.time_progress)}"
        assert card in html
