"""Visit reports and sales expense claims."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.scope import ScopedQuerySet


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    JOINT = "joint", _("Joint visit with a manager")


class VisitQuerySet(ScopedQuerySet):
    # A visit belongs to its author and keeps the team and region the author had when filing it.
    scope_fields = {"person": "author", "team": "team", "region": "region"}


class Visit(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer")
    )
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="visits", verbose_name=_("rep"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.VISIT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        indexes = [models.Index(fields=["date", "author"])]

    def __str__(self) -> str:
        return f"{self.customer} · {self.date}"


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExpenseQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class ExpenseClaim(models.Model):
    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="expense_claims", verbose_name=_("rep")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self) -> str:
        return f"{self.person} · {self.amount} · {self.date}"
