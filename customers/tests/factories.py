"""Factories for customers, stakeholders, visits, expenses and the pool (orders: factories_sales.py)."""

from datetime import date
from decimal import Decimal

import factory

from customers.models import (
    Classification,
    Complaint,
    Customer,
    CustomerEvaluation,
    IdleCustomerRule,
    Stakeholder,
    StakeholderRole,
)
from fieldwork.models import ExpenseClaim, ExpenseKind, Visit, VisitKind
from staff.tests.factories import PersonFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"客户{n}有限公司")
    industry = "制造业"
    owner = factory.SubFactory(PersonFactory)
    owner_since = date(2026, 1, 1)
    team = factory.LazyAttribute(lambda o: o.owner.team if o.owner else None)
    region = factory.LazyAttribute(lambda o: o.owner.region if o.owner else None)
    classification = Classification.GENERAL
    latitude = Decimal("31.230416")
    longitude = Decimal("121.473701")


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"
    role = StakeholderRole.DECISION_MAKER


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    customer = factory.SubFactory(CustomerFactory)
    author = factory.LazyAttribute(lambda o: o.customer.owner)
    team = factory.LazyAttribute(lambda o: o.author.team)
    region = factory.LazyAttribute(lambda o: o.author.region)
    date = date(2026, 3, 2)
    kind = VisitKind.VISIT
    purpose = "介绍新产品"


class ExpenseClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenseClaim

    person = factory.SubFactory(PersonFactory)
    team = factory.LazyAttribute(lambda o: o.person.team)
    region = factory.LazyAttribute(lambda o: o.person.region)
    date = date(2026, 3, 2)
    kind = ExpenseKind.TRAVEL
    amount = Decimal("120.50")


class IdleCustomerRuleFactory(factory.django.DjangoModelFactory):
    """A classification's rule: the pool part by default, the follow-up part when given."""

    class Meta:
        model = IdleCustomerRule

    classification = Classification.GENERAL
    idle_days = 30
    warning_days = 7
    cooloff_days = 30
    follow_up_days = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The migrations ship a rule per classification: this one's values replace it.
        rule, _created = model_class.objects.update_or_create(
            classification=kwargs.pop("classification"), defaults=kwargs
        )
        return rule


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerEvaluation

    customer = factory.SubFactory(CustomerFactory)
    period = "2026-Q1"
    date = date(2026, 3, 31)
    credit_score = 4
    payment_score = 4
    volume_score = 4
    cooperation_score = 4
    satisfaction_score = 4
    overall_score = Decimal("4.00")
    grade = "B"


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    customer = factory.SubFactory(CustomerFactory)
    received_on = date(2026, 3, 2)
    subject = "交货延迟"
