"""Demo data of field work for `seed_demo`: a year of visit reports (with check-ins and the
stakeholders met), expense claims for a quarter of them, and market intelligence; then the first
nightly pool run, since field work is the last app to record contact with customers."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from customers.demo_accounts import _jitter, _workday
from customers.domain import haversine_m
from customers.models import Classification, Competitor, Customer, LocationProposal, Stakeholder
from customers.services.pool import pool_run
from fieldwork import domain
from fieldwork.models import ExpenseClaim, ExpenseKind, ExpenseStatus, IntelNote, Visit, VisitKind
from staff.attribution import unit_finder

PURPOSES = ["新品介绍", "需求调研", "商务洽谈", "技术交流", "回款跟进", "售后回访", "合同签订", "关系维护", "投诉处理"]
OUTCOMES = [
    "客户对新品感兴趣，要求提供报价单。",
    "了解到明年扩产计划，预计有新的采购需求。",
    "价格仍有分歧，客户要求再降5%。",
    "技术方案获得认可，进入内部评审。",
    "确认下月初安排付款。",
    "客户反馈设备运行稳定，满意度高。",
    "竞争对手也在接触，需加快推进。",
    "决策人出差，未能见面，约定下周再访。",
]
NEXT_STEPS = ["发送报价单", "安排技术交流", "提交方案", "跟进付款", "邀请参观工厂", "约见决策人", "寄送样品"]
INTEL = [
    "对手本季度在该客户处降价10%，试图抢单。",
    "对手新推出一款低价机型，客户正在试用。",
    "对手销售经理离职，客户关系出现空档。",
    "客户抱怨对手售后响应慢，可以重点突破。",
    "对手与客户签订了年度框架协议，需关注续约时间。",
]


def seed(*, org: Any, rng: random.Random, today: date) -> None:
    start = today - timedelta(days=365)
    customers = list(Customer.objects.select_related("owner").order_by("code"))
    people_by_customer: dict[int, list[Stakeholder]] = {}
    for s in Stakeholder.objects.order_by("id"):
        people_by_customer.setdefault(s.customer_id, []).append(s)
    managers = {m.team_id: m for m in org.managers if m.team_id}
    visits = _visits(customers, people_by_customer, managers, rng=rng, start=start, today=today)
    _expenses(visits, managers, rng=rng, today=today)
    _intel(visits, list(Competitor.objects.order_by("id")), org=org, rng=rng)
    _location_proposals(customers)
    # The first nightly pool run: owners of idle customers see their warnings and days left.
    pool_run(today=today)


DEMO_RULES = {
    VisitKind.VISIT: domain.EvidenceRule(requires_check_in=True, radius_m=1000, requires_confirmation=False),
    VisitKind.JOINT: domain.EvidenceRule(requires_check_in=False, radius_m=1000, requires_confirmation=True),
    VisitKind.CALL: domain.EvidenceRule(requires_check_in=False, radius_m=1000, requires_confirmation=False),
}


def _visit(
    customer: Customer, owner: Any, unit: Any, manager: Any, *, kind: str, workday: date, rng: random.Random
) -> Visit:
    checked_in = kind != VisitKind.CALL and rng.random() < 0.85
    far = rng.random() < 0.08
    lat = lon = distance = None
    if checked_in:
        spread = 0.05 if far else 0.0015
        lat = _jitter(rng, float(customer.latitude), spread)
        lon = _jitter(rng, float(customer.longitude), spread)
        distance = haversine_m(customer.latitude, customer.longitude, lat, lon)
    checked_in_at = (
        timezone.make_aware(timezone.datetime.combine(workday, timezone.datetime.min.time()))
        + timedelta(hours=rng.randint(9, 17), minutes=rng.randint(0, 59))
        if checked_in
        else None
    )
    # Evidence, check-out and confirmation follow from what was drawn (no further draws, so the
    # rest of the demo stays the same): the seeded rules, a visit of 20 to 89 minutes, joint
    # visits confirmed by the manager who came along.
    rule = DEMO_RULES[kind]
    minutes = 20 + (customer.pk * 7 + workday.toordinal()) % 70
    confirmed_at = checked_in_at or timezone.make_aware(
        timezone.datetime.combine(workday + timedelta(days=1), timezone.datetime.min.time())
    )
    evidence = domain.evidence_verdict(
        rule, checked_in=checked_in, customer_located=True, distance_m=distance, confirmed=manager is not None
    )
    return Visit(
        customer=customer,
        author_id=owner.pk,
        team_id=unit.team_id,
        region_id=unit.region_id,
        date=workday,
        kind=kind,
        accompanying_manager=manager,
        purpose=rng.choice(PURPOSES),
        outcome=rng.choice(OUTCOMES),
        next_step=rng.choice(NEXT_STEPS),
        next_step_date=workday + timedelta(days=rng.randint(3, 14)),
        latitude=lat,
        longitude=lon,
        distance_m=distance,
        checked_in_at=checked_in_at,
        checked_out_at=checked_in_at + timedelta(minutes=minutes) if checked_in_at else None,
        duration_minutes=minutes if checked_in_at else None,
        evidence=evidence,
        radius_m=rule.radius_m if rule.requires_check_in else None,
        confirmed_by=manager if kind == VisitKind.JOINT else None,
        confirmed_at=confirmed_at if kind == VisitKind.JOINT else None,
    )


def _visits(
    customers: list[Customer],
    people_by_customer: dict[int, list[Stakeholder]],
    managers: dict[int, Any],
    *,
    rng: random.Random,
    start: date,
    today: date,
) -> list[Visit]:
    """Key customers about every two weeks, general monthly, potential every other month; each
    filed to the unit its author had on its date (a rep transferred in the year: DESIGN.md)."""
    unit_of = unit_finder(c.owner_id for c in customers if c.owner_id)
    interval = {Classification.KEY: 14, Classification.GENERAL: 30, Classification.POTENTIAL: 60}
    visits: list[Visit] = []
    for customer in customers:
        if not customer.owner_id:
            continue
        owner = customer.owner
        day = start + timedelta(days=rng.randint(0, interval[customer.classification]))
        while day < today:
            workday = _workday(rng, day, min(day + timedelta(days=3), today - timedelta(days=1)))
            kind = rng.choices(VisitKind.values, weights=[70, 22, 8])[0]
            unit = unit_of(owner.pk, workday) or owner
            manager = managers.get(unit.team_id) if kind == VisitKind.JOINT else None
            kind = kind if kind != VisitKind.JOINT or manager else VisitKind.VISIT
            visits.append(_visit(customer, owner, unit, manager, kind=kind, workday=workday, rng=rng))
            day += timedelta(days=max(3, int(interval[customer.classification] * rng.uniform(0.6, 1.4))))
    visits = Visit.objects.bulk_create(visits, batch_size=2000)
    through = Visit.stakeholders.through
    links = []
    for visit in visits:
        met = people_by_customer.get(visit.customer_id, [])
        for s in rng.sample(met, k=min(len(met), rng.randint(1, 2))):
            links.append(through(visit_id=visit.pk, stakeholder_id=s.pk))
    through.objects.bulk_create(links, batch_size=5000)
    return visits


def _expenses(visits: list[Visit], managers: dict[int, Any], *, rng: random.Random, today: date) -> None:
    """Expense claims for a quarter of the visits; older ones decided by the rep's manager."""
    expenses = []
    for visit in visits:
        if visit.kind == VisitKind.CALL or rng.random() > 0.25:
            continue
        kind = rng.choices(ExpenseKind.values, weights=[60, 25, 10, 5])[0]
        amount = {"travel": (80, 600), "entertainment": (200, 1500), "gift": (100, 800), "other": (50, 300)}[kind]
        old = (today - visit.date).days > 14
        status = (
            rng.choices([ExpenseStatus.APPROVED, ExpenseStatus.REFUSED], weights=[92, 8])[0]
            if old
            else ExpenseStatus.SUBMITTED
        )
        manager = managers.get(visit.team_id)
        expenses.append(
            ExpenseClaim(
                person_id=visit.author_id,
                team_id=visit.team_id,
                region_id=visit.region_id,
                date=visit.date,
                kind=kind,
                amount=Decimal(rng.randint(*amount)) + Decimal(rng.choice(["0.00", "0.50", "0.80"])),
                description=f"{visit.customer.name} {visit.purpose}",
                customer_id=visit.customer_id,
                visit=visit,
                status=status,
                decided_by=manager if old else None,
                decided_on=visit.date + timedelta(days=rng.randint(1, 7)) if old else None,
                decision_note="超出标准" if status == ExpenseStatus.REFUSED else "",
            )
        )
    ExpenseClaim.objects.bulk_create(expenses, batch_size=2000)


def _intel(visits: list[Visit], competitors: list[Competitor], *, org: Any, rng: random.Random) -> None:
    intel = []
    for visit in rng.sample(visits, k=min(len(visits), len(org.reps) * 5)):
        intel.append(
            IntelNote(
                competitor=rng.choice(competitors),
                customer_id=visit.customer_id,
                visit=visit,
                author_id=visit.author_id,
                team_id=visit.team_id,
                region_id=visit.region_id,
                date=visit.date,
                note=rng.choice(INTEL),
            )
        )
    IntelNote.objects.bulk_create(intel, batch_size=2000)


def _location_proposals(customers: list[Customer]) -> None:
    """Each team's first owned customer has a new position proposed by its rep (about 200 m north),
    waiting for the team's manager."""
    first_of_team: dict[int, Customer] = {}
    for customer in customers:
        if customer.owner_id and customer.team_id and customer.latitude is not None:
            first_of_team.setdefault(customer.team_id, customer)
    LocationProposal.objects.bulk_create(
        [
            LocationProposal(
                customer=c,
                latitude=c.latitude + Decimal("0.002000"),
                longitude=c.longitude,
                note="客户搬到新厂区",
                proposed_by_id=c.owner_id,
            )
            for c in first_of_team.values()
        ]
    )
