"""Factories for training records, and minimal customers rows the tests need (visits, orders, payments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from customers.models import Customer
from fieldwork.models import Visit, VisitKind
from training.models import ActionItem, CoachingSession, Course, CourseKind, SessionKind


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"C{n:03d}")
    title = factory.Sequence(lambda n: f"Course {n}")
    kind = CourseKind.SALES_SKILLS


def customer_for(rep, code: str = "CU1") -> Customer:
    return Customer.objects.create(code=code, name=f"Customer {code}", owner=rep, team=rep.team, region=rep.region)


def visit(rep, *, on: date, kind: str = VisitKind.VISIT, customer: Customer | None = None, manager=None) -> Visit:
    return Visit.objects.create(
        customer=customer or customer_for(rep, code=f"V{rep.pk}-{on.isoformat()}-{kind}"),
        author=rep,
        team=rep.team,
        region=rep.region,
        date=on,
        kind=kind,
        accompanying_manager=manager,
    )


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    kind = SessionKind.ONE_ON_ONE
    date = date(2026, 3, 2)
    discussed = "Pipeline review"
    team = factory.SelfAttribute("person.team")
    region = factory.SelfAttribute("person.region")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = factory.Sequence(lambda n: f"Action {n}")
    due_on = date(2026, 3, 10)
    team = factory.SelfAttribute("owner.team")
    region = factory.SelfAttribute("owner.region")


MONEY = Decimal("0.01")
