"""The customer and visit pages in Chinese show no untranslated English."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from customers.models import Competitor, FollowUp, FollowUpKind
from customers.services.customer_import import COLUMNS, HEADERS
from customers.tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    EvaluationFactory,
    ExpenseClaimFactory,
    StakeholderFactory,
    VisitFactory,
)
from tests.test_i18n import english_words

pytestmark = pytest.mark.django_db

# Written in English on purpose: file formats, credit grades.
ALLOWED = {"CSV", "Excel", "AAA", "AA", "BBB", "BB"}
# The import page names the file's columns, which are written in English in the file.
# The page also lists the English headers a file may carry (the importer reads either language).
with translation.override("en"):
    _ENGLISH_HEADERS = [str(header) for header in HEADERS.values()]
ALLOWED |= {word for column in COLUMNS + _ENGLISH_HEADERS for word in re.findall(r"[A-Za-z][A-Za-z'’-]+", column)} | {
    "UTF-",
    "xlsx",
    "csv",
}
# The test org's names (regions, teams, usernames) are English.
ALLOWED |= {"East", "South", "Shanghai", "Hangzhou", "Guangzhou", "rep", "tm", "rm", "director", "junior"}


def page_words(html: str) -> set[str]:
    """English words of a page below the main menu (the menu belongs to every app)."""
    return english_words(html.split("</nav>", 1)[1], ALLOWED)


def test_customer_pages_in_chinese(client, org):
    for person in (org.tm1a, org.rep1a1):
        person.language = "zh-hans"
        person.save(update_fields=["language"])
    customer = CustomerFactory(
        owner=org.rep1a1, name="上海恒达精密机械有限公司", industry="机械制造", credit_rating="A"
    )
    referred = CustomerFactory(owner=org.rep1a1, name="苏州瑞丰电子科技有限公司", referred_by=customer, industry="电子")
    stakeholder = StakeholderFactory(customer=customer, name="王总", title="总经理")
    visit = VisitFactory(
        customer=customer,
        purpose="新品介绍",
        latitude=Decimal("31.3"),
        longitude=Decimal("121.4"),
        distance_m=8800,
        outcome="客户要求报价",
        next_step="发送报价单",
    )
    visit.stakeholders.add(stakeholder)
    EvaluationFactory(customer=customer, reason="回款慢", response_plan="每周跟进")
    ComplaintFactory(customer=customer, subject="交货延迟", description="延迟一周")
    ExpenseClaimFactory(person=org.rep1a1, customer=customer, description="差旅")
    FollowUp.objects.create(
        person=org.rep1a1,
        customer=customer,
        kind=FollowUpKind.POOL_WARNING,
        message="即将回收",
        created_on=date(2026, 3, 1),
    )
    Competitor.objects.create(name="远航科技", products="同类设备", prices="低8%", channels="经销商")
    CustomerFactory(owner=None, name="公海客户有限公司", industry="化工")
    client.force_login(org.tm1a.user)
    pages = [
        reverse("customers:customer-list"),
        reverse("customers:customer-detail", args=[customer.pk]),
        reverse("customers:customer-detail", args=[referred.pk]),
        reverse("customers:customer-create"),
        reverse("customers:customer-import"),
        reverse("customers:evaluation-create", args=[customer.pk]),
        reverse("customers:stakeholder-create", args=[customer.pk]),
        reverse("customers:stakeholder-change", args=[stakeholder.pk]),
        reverse("customers:pool"),
        reverse("customers:follow-up-list"),
        reverse("fieldwork:visit-list"),
        reverse("fieldwork:visit-detail", args=[visit.pk]),
        reverse("fieldwork:expense-list"),
        reverse("fieldwork:expense-create"),
        reverse("customers:complaint-list"),
        reverse("customers:competitor-list"),
        reverse("customers:competitor-create"),
        reverse("fieldwork:intel-create"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert page_words(response.content.decode()) == set(), url
    client.force_login(org.rep1a1.user)
    response = client.get(reverse("fieldwork:visit-create"))
    assert page_words(response.content.decode()) == set()
    assert "提交拜访记录" in response.content.decode()
