"""Demo data: distribution templates, this year's and last year's targets for every owner (broken
down into quarters and months), a sales plan per team, then one recompute as of yesterday."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from salesorg.periods import MONTH, QUARTER, YEAR, Period
from targets import domain
from targets.models import (
    ActivityKind,
    DistributionTemplate,
    OwnerKind,
    PlanActivity,
    RecomputeRun,
    SalesPlan,
    Target,
    TargetStatus,
)
from targets.services.breakdown import split_year, unit_of
from targets.services.engine import achievements_recompute, fiscal_year_of

# Yearly target per rep; units get the sum of their members (plus a little ambition).
REP_YEAR = {
    "sales_amount": Decimal("10000000.00"),
    "gross_margin": Decimal("3500000.00"),
    "collection": Decimal("8500000.00"),
    "new_customers": Decimal("10"),
    "visits": Decimal("160"),
    "expenses": Decimal("12000.00"),
}
# Percentages of the year (a template's 12 weights add up to 100).
SEASONAL = [Decimal(w) for w in ("5", "6", "8", "8", "8", "9", "7.5", "7.5", "9", "9", "10", "13")]
EVEN = [Decimal(w) for w in ("8.334", "8.333", "8.333") * 4]


def _owners(org) -> list[dict]:
    owners = [
        {
            "owner_kind": OwnerKind.COMPANY,
            "owner_key": 0,
            "region": None,
            "team": None,
            "person": None,
            "size": len(org.reps),
        }
    ]
    reps_by_team: dict[int, int] = {}
    for rep in org.reps:
        reps_by_team[rep.team_id] = reps_by_team.get(rep.team_id, 0) + 1
    for region in org.regions:
        size = sum(n for t in org.teams if t.region_id == region.pk for n in [reps_by_team.get(t.pk, 0)])
        owners.append(
            {
                "owner_kind": OwnerKind.REGION,
                "owner_key": region.pk,
                "region": region,
                "team": None,
                "person": None,
                "size": size,
            }
        )
    for team in org.teams:
        owners.append(
            {
                "owner_kind": OwnerKind.TEAM,
                "owner_key": team.pk,
                "region": team.region,
                "team": team,
                "person": None,
                "size": reps_by_team.get(team.pk, 0),
            }
        )
    for rep in org.reps:
        owners.append(
            {
                "owner_kind": OwnerKind.REP,
                "owner_key": rep.pk,
                "region": rep.region,
                "team": rep.team,
                "person": rep,
                "size": 1,
            }
        )
    return owners


def seed(*, org, rng: random.Random, today: date) -> None:
    DistributionTemplate.objects.create(
        name="季节性（年末旺季）", **dict(zip(DistributionTemplate.WEIGHT_FIELDS, SEASONAL, strict=True))
    )
    DistributionTemplate.objects.create(
        name="平均分配", **dict(zip(DistributionTemplate.WEIGHT_FIELDS, EVEN, strict=True))
    )
    this_year = fiscal_year_of(today)
    years = [this_year, Period(this_year.year - 1)]
    rows: list[Target] = []
    for year in years:
        for owner in _owners(org):
            if owner["size"] == 0:
                continue
            for metric, per_rep in REP_YEAR.items():
                rows += _year_targets(owner, metric, per_rep, year=year, this_year=this_year, rng=rng)
    # Demo volume: plain bulk insert (no history rows for seeded data).
    Target.objects.bulk_create(rows, batch_size=2000)
    # Parents: quarters under years, months under quarters (three set-based updates per level).
    _link_parents(years)
    for team in org.teams[:3]:
        _team_plan(team, this_year)
    run = RecomputeRun.objects.create(as_of=today - timedelta(days=1), trigger="demo")
    achievements_recompute(as_of=today - timedelta(days=1), run=run)


def _year_targets(
    owner: dict, metric: str, per_rep: Decimal, *, year: Period, this_year: Period, rng: random.Random
) -> list[Target]:
    """An owner's target of one metric for a year (a little ambition over the sum of its reps),
    broken down by the seasonal weights into quarters and months; this year's are approved four
    times in five, the rest drafts."""
    ambition = Decimal(rng.randint(95, 110)) / 100
    unit = unit_of(metric)
    value = (per_rep * owner["size"] * ambition).quantize(unit)
    stretch = (value * Decimal("1.2")).quantize(unit, rounding=ROUND_DOWN)
    q_values, m_values = split_year(value, SEASONAL, unit)
    q_stretch, m_stretch = domain.split_year(stretch, SEASONAL, unit, at_least=(q_values, m_values))
    status = TargetStatus.APPROVED if year != this_year or rng.random() < 0.8 else TargetStatus.DRAFT
    keys = {k: owner[k] for k in ("owner_kind", "owner_key", "region", "team", "person")}
    levels = [(YEAR, [year], [value], [stretch])]
    levels += [(QUARTER, year.children(), q_values, q_stretch), (MONTH, year.month_periods(), m_values, m_stretch)]
    return [
        Target(
            **keys,
            metric=metric,
            period=str(period),
            period_kind=kind,
            value=values[i],
            stretch_value=stretches[i],
            status=status,
        )
        for kind, periods, values, stretches in levels
        for i, period in enumerate(periods)
    ]


def _team_plan(team, this_year: Period) -> None:
    """A team's sales plan for the year, with two activities, linked to the team's year targets."""
    plan = SalesPlan.objects.create(
        owner_kind=OwnerKind.TEAM,
        team=team,
        region=team.region,
        period=str(this_year),
        title=f"{team.name} {this_year} 销售计划",
        target_market="重点行业客户，华东制造业",
        strategy="深耕重点客户，开发新客户",
        channels="直销 + 经销商",
        resources="两名售前工程师",
    )
    start = this_year.start
    PlanActivity.objects.bulk_create(
        [
            PlanActivity(
                plan=plan,
                kind=ActivityKind.CAMPAIGN,
                name="春季推广会",
                start_date=start + timedelta(days=60),
                end_date=start + timedelta(days=62),
                planned_count=3,
                done_count=1,
                progress=33,
            ),
            PlanActivity(
                plan=plan,
                kind=ActivityKind.CUSTOMER_DEVELOPMENT,
                name="新客户开发",
                start_date=start,
                end_date=this_year.end,
                planned_count=20,
                done_count=6,
                progress=30,
            ),
        ]
    )
    plan.targets.set(Target.objects.filter(owner_kind=OwnerKind.TEAM, owner_key=team.pk, period=str(this_year)))


def _link_parents(years: list[Period]) -> None:
    from django.db.models import OuterRef, Subquery

    for year in years:
        for children in (year.children(), year.month_periods()):
            for child in children:
                parent_period = str(child.parent)
                Target.objects.filter(period=str(child), parent__isnull=True).update(
                    parent=Subquery(
                        Target.objects.filter(
                            owner_kind=OuterRef("owner_kind"),
                            owner_key=OuterRef("owner_key"),
                            metric=OuterRef("metric"),
                            period=parent_period,
                        ).values("pk")[:1]
                    )
                )
