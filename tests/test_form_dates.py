"""Dates in forms are ISO (`2026-12-02`) in every language.

A browser's date input accepts nothing else: Chinese formats a date `2026/12/02` by default, which
the date input rejects, so the field looks empty and a re-saved form loses its date."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from salesorg.forms import DateInput

ROOT = Path(__file__).resolve().parent.parent
APPS = ["salesorg", "staff", "notifications", "customers", "sales", "fieldwork", "targets", "appraisal", "training"]
APPS += ["dashboard", "demo"]
SAMPLE = date(2026, 12, 2)
DATE_INPUT = re.compile(r"<input\b[^>]*\btype=\"date\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


def _project_form_classes() -> list[type[forms.BaseForm]]:
    """Every Form and ModelForm class the apps define: each module named like a forms module, and
    the views (some pages keep their small forms beside the view)."""
    found: dict[str, type[forms.BaseForm]] = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            parts = info.name.split(".")
            if {"tests", "migrations", "management"} & set(parts):
                continue
            if not any("forms" in part or "views" in part for part in parts[1:]):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


FORM_CLASSES = _project_form_classes()


def test_the_discovery_finds_the_forms_with_dates():
    names = {cls.__name__ for cls in FORM_CLASSES}
    # A sample from five apps: if discovery breaks, the test below would check nothing.
    assert {"VisitForm", "ExpenseForm", "CoachingSessionForm", "RecomputeForm", "OutcomeForm", "OrderForm"} <= names
    assert len(FORM_CLASSES) > 60


@pytest.fixture
def form_kwargs(org):
    """What the forms' constructors ask for, keyword by keyword."""
    from customers.tests.factories import CustomerFactory, VisitFactory
    from fieldwork.models import ActionKind, VisitPlan
    from training.models import ReviewMeeting

    customer = CustomerFactory(owner=org.rep1a1)
    return {
        "visit": VisitFactory(customer=customer),
        "offered": [kind for kind, _label in ActionKind.choices],
        "user": org.director.user,
        "person": org.rep1a1,
        "customer": customer,
        "customer_id": None,
        "plan": VisitPlan(person=org.rep1a1, team=org.t1a, region=org.r1, week_start=date(2026, 11, 30)),
        "meeting": ReviewMeeting(team=org.t1a, region=org.r1, period="2026-Q4", date=SAMPLE),
        "questions": [],
        "members": [],
    }


def _instantiate(cls: type[forms.BaseForm], pool: dict, **extra) -> forms.BaseForm:
    wanted = inspect.signature(cls.__init__).parameters
    kwargs = {name: pool[name] for name in wanted if name in pool}
    return cls(**kwargs, **extra)


def _date_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField)
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_of_every_form_holds_an_iso_date(form_kwargs, language):
    checked = 0
    with translation.override(language):
        for cls in FORM_CLASSES:
            probe = _instantiate(cls, form_kwargs)
            names = _date_fields(probe)
            if not names:
                continue
            form = _instantiate(cls, form_kwargs, initial=dict.fromkeys(names, SAMPLE))
            for name in names:
                html = str(form[name])
                inputs = DATE_INPUT.findall(html)
                assert len(inputs) == 1, f"{cls.__qualname__}.{name} is not a date input: {html}"
                value = VALUE.search(inputs[0])
                assert value is not None, f"{cls.__qualname__}.{name} lost its date: {html}"
                assert date.fromisoformat(value.group(1)) == SAMPLE, f"{cls.__qualname__}.{name}: {value.group(1)}"
                # What the browser sends back is read as the same day.
                bound = _instantiate(cls, form_kwargs, data={name: value.group(1)})
                assert bound.fields[name].clean(value.group(1)) == SAMPLE
                checked += 1
    # Dozens of date fields over the apps (visits, expenses, coaching, recruitment, appraisal...).
    assert checked > 40


def test_the_shared_date_input_ignores_the_language():
    with translation.override("zh-hans"):
        assert 'value="2026-12-02"' in DateInput().render("d", SAMPLE)
        # Django's own date input follows the language's first format: the bug this module guards.
        assert 'value="2026/12/02"' in forms.DateInput().render("d", SAMPLE)


def test_templates_write_no_date_input_with_a_localised_value():
    """A hand-written `<input type="date" value="{{ x }}">` prints the date in the language's
    format; it must print it with `|date:'Y-m-d'` or render the form's widget instead."""
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        for tag in DATE_INPUT.findall(path.read_text(encoding="utf-8")):
            value = VALUE.search(tag)
            if value and "{{" in value.group(1) and "date:'Y-m-d'" not in value.group(1).replace('"', "'"):
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert offenders == []


def _date_input_value(html: str, name: str) -> str:
    for tag in DATE_INPUT.findall(html):
        if f'name="{name}"' in tag:
            value = VALUE.search(tag)
            return value.group(1) if value else ""
    raise AssertionError(f"no date input named {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_resaving_a_review_meeting_keeps_its_date(org, client, language):
    from training.models import ReviewMeeting
    from training.services import review_meeting_create

    # Given a meeting held on 2026-10-09, saved
    meeting = review_meeting_create(by=org.tm1a.user, period="2026-Q3", on=date(2026, 10, 9), team=org.t1a)
    client.force_login(org.tm1a.user)
    client.cookies["django_language"] = language
    url = reverse("training:review-detail", args=[meeting.pk])
    # When its manager opens it and saves the minutes without touching the date
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    shown = _date_input_value(page.content.decode(), "date")
    assert shown == "2026-10-09"
    response = client.post(
        url, {"action": "minutes", "date": shown, "stale_days": "30", "notes": "复盘"}, HTTP_ACCEPT_LANGUAGE=language
    )
    # Then the save succeeds and the date is the one it had
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = ReviewMeeting.objects.get(pk=meeting.pk)
    assert meeting.date == date(2026, 10, 9)
    assert meeting.notes == "复盘"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_coaching_session_saves_with_the_date_the_form_shows(org, client, language):
    from training.models import CoachingSession

    client.force_login(org.tm1a.user)
    page = client.get(reverse("training:session-create"), HTTP_ACCEPT_LANGUAGE=language)
    shown = _date_input_value(page.content.decode(), "date")
    today = timezone.localdate()
    assert shown == today.isoformat()
    # The action item's due date is sent as the browser sends it: ISO.
    due = (today + timedelta(days=14)).isoformat()
    response = client.post(
        reverse("training:session-create"),
        {
            "kind": "one_on_one",
            "date": shown,
            "person": org.rep1a1.pk,
            "topic": "Pipeline",
            "strengths": "Knows the products",
            "weaknesses": "Few visits",
            "discussed": "The visit plan",
            "agreed_plan": "Two visits a day",
            "action_title": "Call three lapsed customers",
            "action_due_on": due,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    errors = re.findall(r"text-danger small.{0,200}|alert.{0,300}", response.content.decode())
    assert response.status_code == 302, errors
    session = CoachingSession.objects.get(person=org.rep1a1)
    assert session.date == today
