"""Forms for the training pages (thin: services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fieldwork.models import Visit, VisitKind
from staff.models import Person
from training.models import ReportKind, SessionKind

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = forms.Textarea(attrs={"rows": 3, "class": "form-control"})


class CoachingSessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
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
    action_due_on = forms.DateField(label=_("Action item due on"), widget=DATE, required=False)

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
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT)
    mark_done = forms.BooleanField(label=_("Done"), required=False)


class WorkReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ReportKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    day = forms.DateField(label=_("A day of the period"), widget=DATE)
    summary = forms.CharField(label=_("Summary of the period"), widget=TEXT)
    problems = forms.CharField(label=_("Problems and help needed"), widget=TEXT, required=False)
    next_plan = forms.CharField(label=_("Plan for the next period"), widget=TEXT, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=TEXT)


class EnrollmentResultForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)
    score = forms.DecimalField(
        label=_("Score"), max_digits=5, decimal_places=2, required=False, min_value=0, max_value=100
    )
    trainer_comment = forms.CharField(label=_("Trainer's comment"), widget=TEXT, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("dismiss", _("Dismiss"))])
    note = forms.CharField(label=_("Note"), required=False)
