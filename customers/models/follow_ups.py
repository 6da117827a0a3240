"""What a rep must follow up on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models.customers import Customer
from staff.scope import ScopedQuerySet


class FollowUpKind(models.TextChoices):
    POOL_WARNING = "pool_warning", _("Customer about to return to the pool")
    STAKEHOLDER_CHANGE = "stakeholder_change", _("Stakeholder changed")
    NEXT_STEP = "next_step", _("Next step of a visit")
    OTHER = "other", _("Other")


class FollowUpQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "person__team", "region": "person__region"}


class FollowUp(models.Model):
    """Something a rep must follow up on (a pool warning, a stakeholder who changed...)."""

    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("rep")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FollowUpKind.choices)
    message = models.CharField(_("message"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_on = models.DateField(_("created on"))

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_date", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["person", "done"])]

    def __str__(self) -> str:
        return self.message
