"""Pure helpers of field work (no database): the evidence verdict of a visit and the filing
window of a dated record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# The verdicts, as stored in `Visit.evidence` (fieldwork.models.VisitEvidence).
VERIFIED = "verified"
NO_CHECK_IN = "no_check_in"
FAR = "far"
NO_LOCATION = "no_location"
UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class EvidenceRule:
    """What a kind of visit requires (the values of a `VisitKindRule` row)."""

    requires_check_in: bool
    radius_m: int
    requires_confirmation: bool


def evidence_verdict(
    rule: EvidenceRule, *, checked_in: bool, customer_located: bool, distance_m: int | None, confirmed: bool
) -> str:
    """The visit's evidence against its kind's rule. A check-in the rule requires comes first
    (missing, unmeasurable because the customer has no location, or outside the radius), then the
    manager's confirmation; a check-in the rule does not require is not judged."""
    if rule.requires_check_in:
        if not checked_in:
            return NO_CHECK_IN
        if not customer_located or distance_m is None:
            return NO_LOCATION
        if distance_m > rule.radius_m:
            return FAR
    if rule.requires_confirmation and not confirmed:
        return UNCONFIRMED
    return VERIFIED


def earliest_filing_date(*, today: date, window_days: int) -> date:
    """The oldest date a record may carry when filed `today`: `window_days` days back (so with a
    7-day window, a visit of last Monday is filed until next Monday)."""
    return today - timedelta(days=window_days)
