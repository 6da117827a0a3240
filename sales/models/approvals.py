"""The approval matrix and the approval steps of an order.

An `ApprovalRule` is one row of the matrix, edited by admins: when every condition it sets holds
(an empty condition always holds), the order needs the approval of the rule's level. The rules an
order matches give its steps: one per level, ordered by the rules' step number (then by rank), each
decided by one person holding that level over the order's unit (or above it), never the filer nor
a credited rep, nor one who decided an earlier step of the same order. The order confirms when its
last step is approved; a refusal sends it back to draft. A rule may also *hold* the order: it waits
for the same steps, and is shown as held (e.g. a customer with the worst credit rating).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ApprovalLevel(models.TextChoices):
    # The values are the positions (staff.Position) that hold each level.
    TEAM_MANAGER = "team_manager", _("Team manager")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    DIRECTOR = "director", _("Sales director")


# One level up, for escalation and for a level nobody may hold on an order (the director is last).
LEVEL_ORDER = [ApprovalLevel.TEAM_MANAGER, ApprovalLevel.REGIONAL_MANAGER, ApprovalLevel.DIRECTOR]


def level_above(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class CreditState(models.TextChoices):
    WITHIN = "within", _("Within the credit limit")
    OVER = "over", _("Over the credit limit")
    NO_LIMIT = "no_limit", _("No credit limit set")


def split_codes(text: str) -> list[str]:
    return [code.strip() for code in (text or "").replace("，", ",").split(",") if code.strip()]


class ApprovalRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    step = models.PositiveSmallIntegerField(
        _("step"), default=1, help_text=_("Steps are taken in this order (lower first).")
    )
    level = models.CharField(_("approving level"), max_length=20, choices=ApprovalLevel.choices)
    hold = models.BooleanField(
        _("hold the order"), default=False, help_text=_("Show the order as held, not only pending.")
    )
    min_amount = models.DecimalField(_("order amount at least"), max_digits=16, decimal_places=2, null=True, blank=True)
    min_discount_percent = models.DecimalField(
        _("a line's discount at least (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    credit_state = models.CharField(_("credit state"), max_length=20, choices=CreditState.choices, blank=True)
    credit_ratings = models.CharField(
        _("credit ratings"), max_length=100, blank=True, help_text=_("Codes separated by commas, e.g. C,B; empty: any.")
    )
    classifications = models.CharField(
        _("customer classifications"),
        max_length=100,
        blank=True,
        help_text=_("Codes separated by commas (key, general, potential); empty: any."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["step", "id"]
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True) | models.Q(min_amount__gte=0),
                name="approval_rule_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(min_discount_percent__isnull=True)
                | models.Q(min_discount_percent__gte=0, min_discount_percent__lte=100),
                name="approval_rule_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}. {self.name} → {self.get_level_display()}"

    @property
    def rating_codes(self) -> list[str]:
        return split_codes(self.credit_ratings)

    @property
    def classification_codes(self) -> list[str]:
        return split_codes(self.classifications)

    def clean(self) -> None:
        from customers.models import Classification, CreditRating

        bad = [code for code in self.rating_codes if code not in CreditRating.values]
        if bad:
            raise ValidationError({"credit_ratings": _("Unknown rating: %(codes)s") % {"codes": ", ".join(bad)}})
        bad = [code for code in self.classification_codes if code not in Classification.values]
        if bad:
            raise ValidationError(
                {"classifications": _("Unknown classification: %(codes)s") % {"codes": ", ".join(bad)}}
            )


def default_matrix(amount: Decimal, discount: Decimal) -> list[ApprovalRule]:
    """The default matrix (unsaved), as sales migration 0004 seeds it: an order above `amount`, or
    with a line discounted more than `discount` percent, needs its team manager (today's limits,
    from the settings; "above" starts at the next cent / hundredth of a percent); beyond the credit
    limit also the regional manager; the worst credit rating holds it for the director too. It
    applies while the matrix table is empty; to need no approval, deactivate the rules instead."""
    cent = Decimal("0.01")
    return [
        ApprovalRule(name="Amount above the limit", step=1, level=ApprovalLevel.TEAM_MANAGER, min_amount=amount + cent),
        ApprovalRule(
            name="Discount above the limit",
            step=1,
            level=ApprovalLevel.TEAM_MANAGER,
            min_discount_percent=discount + cent,
        ),
        ApprovalRule(
            name="Over the credit limit", step=2, level=ApprovalLevel.REGIONAL_MANAGER, credit_state=CreditState.OVER
        ),
        ApprovalRule(
            name="Worst credit rating: held", step=3, level=ApprovalLevel.DIRECTOR, credit_ratings="C", hold=True
        ),
    ]


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    # The order changed, was cancelled or refused at another step before this one was decided.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OrderApprovalStep(models.Model):
    order = models.ForeignKey(
        "sales.Order", on_delete=models.CASCADE, related_name="approval_steps", verbose_name=_("order")
    )
    sequence = models.PositiveSmallIntegerField(_("step"))
    level = models.CharField(_("approving level"), max_length=20, choices=ApprovalLevel.choices)
    # The level the matrix asked for, when the step moved up (nobody held it, or it waited too long).
    planned_level = models.CharField(_("planned level"), max_length=20, choices=ApprovalLevel.choices)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING)
    # Why the step was asked for: the matched rules' reasons.
    why = models.CharField(_("why"), max_length=500, blank=True)
    # When the step became the one the order waits for (empty while an earlier step waits).
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("order approval step")
        verbose_name_plural = _("order approval steps")
        indexes = [models.Index(fields=["status", "level"])]

    def __str__(self) -> str:
        return f"{self.order} · {self.sequence} · {self.get_level_display()} · {self.get_status_display()}"
