"""Signals appraisal sends, so that it never imports the apps above it (appraisal <- training <- ...).

Both are sent inside the transaction of the write, with `sender` the model class; a listener's
failure rolls the write back. Listeners connect in their AppConfig.ready with a `dispatch_uid`.

`scorecard_approved(sender=Scorecard, scorecard, person_id, period, kpi_values, kpi_targets)`:
    sent when a scorecard is approved (`scorecard_approve`). `period` is the appraisal period's
    period string ("2026-05", "2026-Q2"); `kpi_values` maps each KPI code of the card to its value
    (lines without a value are left out), `kpi_targets` each KPI code to the scheme's target (None
    when the scheme sets none), in the same units (a rate as a fraction). A listener returns the
    number of things it made from the card (training: the suggestions created); the sender adds
    them up.
    Listener: training turns the KPIs below target into training suggestions.

`outcome_decided(sender=Outcome, outcome)`: sent when an outcome is recorded (`outcome_create`),
    of every kind, after it is saved; not sent again when a promotion or dismissal is confirmed.
    `outcome.kind` is an `OutcomeKind`; a targeted-training outcome carries `outcome.course`.
    Listener: training enrols the person in the course of a targeted-training outcome (unless
    already enrolled), on the outcome's date.
"""

from django.dispatch import Signal

scorecard_approved = Signal()
outcome_decided = Signal()
