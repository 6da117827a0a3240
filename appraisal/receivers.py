"""What appraisal answers when staff tells it something (connected in `AppraisalConfig.ready()`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from appraisal.models import FROZEN_STATUSES, Scorecard
from salesorg.exceptions import ApplicationError


def refuse_refiling_approved_periods(sender: Any, person: Any, since: Any, **_kwargs: Any) -> None:
    """A membership change dated `since` re-files the person's records dated from then on; refused
    when one of the person's scorecards of a period reaching that date is already approved."""
    card = (
        Scorecard.objects.filter(person=person, status__in=FROZEN_STATUSES, appraisal_period__end__gte=since)
        .select_related("appraisal_period")
        .order_by("appraisal_period__end")
        .first()
    )
    if card is not None:
        period = card.appraisal_period
        raise ApplicationError(
            _(
                "This change is dated %(date)s, inside the appraisal period %(period)s, whose scorecard is "
                "already approved: date it after %(end)s, or return the scorecard first."
            )
            % {"date": since, "period": period.period, "end": period.end},
            fields={"on": [_("Inside an approved appraisal period.")]},
        )
