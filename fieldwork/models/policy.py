"""The sales expense policy: limits per category (and position), receipts, the date window."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fieldwork.models.visits import ExpenseKind
from staff.models import Position


class ExpensePolicy(models.Model):
    """One rule of the policy for a category of expense, for one position or (blank) for every
    position; a position's own rule wins over the blank one. Empty limits do not limit."""

    kind = models.CharField(_("category"), max_length=20, choices=ExpenseKind.choices)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, blank=True)
    per_claim_limit = models.DecimalField(_("limit per claim"), max_digits=14, decimal_places=2, null=True, blank=True)
    monthly_limit = models.DecimalField(
        _("limit per month"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The rep's claims of this category in a calendar month, this one included (refused claims aside)."),
    )
    receipt_above = models.DecimalField(
        _("receipt required above"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A claim above this amount needs a receipt; empty: never required."),
    )
    days_back = models.PositiveIntegerField(
        _("days back"),
        null=True,
        blank=True,
        help_text=_("A claim is dated at most this many days ago; empty: the EXPENSE_FILING_DAYS setting."),
    )
    history = HistoricalRecords(table_name="fieldwork_historicalexpensepolicy")

    class Meta:
        ordering = ["kind", "position"]
        verbose_name = _("expense policy rule")
        verbose_name_plural = _("expense policy")
        constraints = [
            models.UniqueConstraint(fields=["kind", "position"], name="one_expense_rule_per_kind_and_position"),
            models.CheckConstraint(
                condition=(
                    (models.Q(per_claim_limit__isnull=True) | models.Q(per_claim_limit__gt=0))
                    & (models.Q(monthly_limit__isnull=True) | models.Q(monthly_limit__gt=0))
                    & (models.Q(receipt_above__isnull=True) | models.Q(receipt_above__gte=0))
                ),
                name="expense_policy_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_position_display() or _('every position')}"
