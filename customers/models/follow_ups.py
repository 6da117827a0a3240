"""What a rep must follow up on, and the customers the follow-up discipline flags."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_noop
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


# The texts the product writes for later: stored as a code with its parameters (FollowUp.text_code,
# FollowUp.params) and put into words in the reader's language when shown.
FOLLOW_UP_TEXTS = {
    "pool_warning": gettext_noop("%(customer)s returns to the pool in %(days)s days unless you visit it."),
    "stakeholder_replaced": gettext_noop("%(old)s was replaced by %(new)s at %(customer)s: build the relationship."),
    "stakeholder_left": gettext_noop("%(old)s left %(customer)s: find who takes over."),
}


class FollowUp(models.Model):
    """Something a rep must follow up on (a pool warning, a stakeholder who changed...)."""

    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("rep")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FollowUpKind.choices)
    # A text the rep typed (a visit's next step), or the writer's words of a generated text kept
    # for the admin; a generated text is shown from its code and parameters (see `text`).
    message = models.CharField(_("message"), max_length=300)
    text_code = models.CharField(_("text code"), max_length=40, blank=True)
    params = models.JSONField(_("text parameters"), default=dict, blank=True)
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
        return self.text

    @property
    def text(self) -> str:
        """The follow-up in the reader's (the active) language."""
        template = FOLLOW_UP_TEXTS.get(self.text_code)
        if not template:
            return self.message
        try:
            return gettext(template) % self.params
        except (KeyError, TypeError, ValueError):
            return self.message


def follow_up_text(code: str, **params: object) -> dict[str, object]:
    """The fields of a generated follow-up text: its code, its parameters and, for the admin, the
    words in the active language."""
    return {"text_code": code, "params": params, "message": (gettext(FOLLOW_UP_TEXTS[code]) % params)[:300]}


class FlagStage(models.IntegerChoices):
    REMINDED = 1, _("Rep reminded")
    ESCALATED = 2, _("Manager copied")
    FLAGGED = 3, _("Flagged on the dashboard")


class FollowUpFlagQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class FollowUpFlag(models.Model):
    """A customer overdue for contact, as found by the daily follow-up run (replaced every run).

    Moved here from the dashboard, which only shows them; the table keeps its name.
    """

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"))
    person = models.ForeignKey("staff.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=FlagStage.choices)
    # The latest registered activity (None: none yet; the clock then runs from the owner's start).
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    days_without_contact = models.PositiveIntegerField(_("days without contact"))
    found_on = models.DateField(_("found on"))

    objects = FollowUpFlagQuerySet.as_manager()

    class Meta:
        db_table = "dashboard_followupflag"
        ordering = ["-days_without_contact", "id"]
        verbose_name = _("follow-up flag")
        verbose_name_plural = _("follow-up flags")
        indexes = [models.Index(fields=["region", "team", "stage"], name="dashboard_f_region__8a66ed_idx")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.days_without_contact}"
