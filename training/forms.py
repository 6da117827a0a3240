"""Forms for the training pages (thin: services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appraisal.models import OutcomeKind
from fieldwork.models import Visit, VisitKind
from salesorg.forms import DateField, DateInput
from staff.models import Person, Position, Region, Team
from training.models import Course, ReportKind, SessionKind

DATE = DateInput(attrs={"class": "form-control"})
TEXT = forms.Textarea(attrs={"rows": 3, "class": "form-control"})


class CoachingSessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    date = DateField(label=_("Date"), widget=DATE)
    person = forms.ModelChoiceField(label=_("Person coached"), queryset=Person.objects.none(), required=False)
    visit = forms.ModelChoiceField(label=_("Joint visit"), queryset=Visit.objects.none(), required=False)
    topic = forms.CharField(label=_("Topic"), required=False)
    strengths = forms.CharField(label=_("Strengths"), widget=TEXT, required=False)
    weaknesses = forms.CharField(label=_("Weaknesses"), widget=TEXT, required=False)
    discussed = forms.CharField(label=_("What was discussed"), widget=TEXT, required=False)
    agreed_plan = forms.CharField(label=_("Agreed plan"), widget=TEXT, required=False)
    did_well = forms.CharField(label=_("What the rep did well"), widget=TEXT, required=False)
    to_improve = forms.CharField(label=_("What to improve"), widget=TEXT, required=False)
    action_title = forms.CharField(label=_("Action item"), required=False)
    action_due_on = DateField(label=_("Action item due on"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user).current().select_related("team", "region")
        self.fields["visit"].queryset = (
            Visit.objects.visible_to(user)
            .filter(kind=VisitKind.JOINT, reviews=None)
            .select_related("customer", "author")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class FollowUpForm(forms.Form):
    date = DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT)
    mark_done = forms.BooleanField(label=_("Done"), required=False)


class WorkReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ReportKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    day = DateField(label=_("A day of the period"), widget=DATE)
    summary = forms.CharField(label=_("Summary of the period"), widget=TEXT)
    problems = forms.CharField(label=_("Problems and help needed"), widget=TEXT, required=False)
    next_plan = forms.CharField(label=_("Plan for the next period"), widget=TEXT, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=TEXT)


class EnrollmentResultForm(forms.Form):
    completed_on = DateField(label=_("Completed on"), widget=DATE)
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)
    score = forms.DecimalField(
        label=_("Score"), max_digits=5, decimal_places=2, required=False, min_value=0, max_value=100
    )
    trainer_comment = forms.CharField(label=_("Trainer's comment"), widget=TEXT, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("dismiss", _("Dismiss"))])
    note = forms.CharField(label=_("Note"), required=False)


# --- Review meetings (复盘) ---------------------------------------------------------------------


class ReviewMeetingForm(forms.Form):
    """Open a unit's review meeting: a team, or a region (no team) for the region's own meeting."""

    period = forms.CharField(label=_("Quarter"), help_text=_("2026-Q1"), max_length=7)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Only for a region's own meeting: leave the team empty."),
    )
    date = DateField(label=_("Meeting date"), widget=DATE)
    stale_days = forms.IntegerField(
        label=_("Stale after (days)"),
        initial=30,
        min_value=1,
        help_text=_("An open opportunity with no change for this many days is on the agenda."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("region")
        self.fields["region"].queryset = Region.objects.visible_to(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class ReviewMinutesForm(forms.Form):
    """The minutes and the unit's answer to each review question (one field per question)."""

    date = DateField(label=_("Meeting date"), widget=DATE)
    stale_days = forms.IntegerField(label=_("Stale after (days)"), min_value=1)
    notes = forms.CharField(label=_("Minutes"), widget=TEXT, required=False)

    def __init__(self, *args, questions: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"answer_{question['id']}"] = forms.CharField(
                label=question["label"], widget=TEXT, required=False, initial=question["answer"]
            )

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("answer_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class ReviewOutcomeForm(forms.Form):
    """An outcome decided at the meeting for someone of the unit (checked by appraisal's service)."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=_("Appraisal outcome"), choices=OutcomeKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=TEXT)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, required=False, min_value=0)
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(is_active=True), required=False)
    to_position = forms.ChoiceField(
        label=_("To position"), choices=[("", "---------"), *Position.choices], required=False
    )

    def __init__(self, *args, meeting, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.visible_to(user).current().filter(meeting.unit_filter()).select_related("team")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class ReviewActionForm(forms.Form):
    """An action item agreed at the meeting."""

    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none())
    title = forms.CharField(label=pgettext_lazy("action item", "Action"), max_length=300)
    due_on = DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, meeting, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            Person.objects.visible_to(user).current().filter(meeting.unit_filter()).select_related("team")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )
