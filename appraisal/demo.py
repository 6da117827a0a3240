"""Demo data of the appraisal app for `seed_demo`: schemes, last month's and last quarter's
appraisals (some reviewed and approved), outcomes, a commission plan and a contest."""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from appraisal.models import OutcomeKind, Scorecard, ScoringRule
from appraisal.services import (
    BandInput,
    LineInput,
    appraisal_period_open,
    commission_line_dispute,
    commission_plan_create,
    commission_plan_version_create,
    commission_statement_build,
    commission_statement_issue,
    commission_statements_compute,
    contest_create,
    outcome_create,
    scheme_create,
    scorecard_approve,
    scorecard_review_update,
    scorecard_submit,
)
from appraisal.services.kpis import engine_as_of
from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff.models import Position

REP_LINES = [
    LineInput("target_achievement_rate", Decimal(35), Decimal("1.0"), ScoringRule.LINEAR_CAP, Decimal(120)),
    LineInput("gross_margin_rate", Decimal(15), Decimal("1.0")),
    LineInput(
        "collection_rate",
        Decimal(15),
        Decimal("0.9"),
        ScoringRule.BANDS,
        bands=[
            BandInput(Decimal(0), Decimal(60), Decimal(0)),
            BandInput(Decimal(60), Decimal(90), Decimal(60)),
            BandInput(Decimal(90), Decimal(100), Decimal(90)),
            BandInput(Decimal(100), None, Decimal(100)),
        ],
    ),
    LineInput("average_daily_visits", Decimal(10), Decimal("2.0")),
    LineInput("customer_count", Decimal(5), Decimal(5), ScoringRule.PASS_FAIL),
    LineInput("customer_breadth", Decimal(5), Decimal(2), ScoringRule.PASS_FAIL),
    LineInput("product_mix", Decimal(5), Decimal("0.3")),
    LineInput("customer_satisfaction", Decimal(5), Decimal(4)),
    LineInput("new_customers", Decimal(5), Decimal(1)),
]
MANAGER_LINES = [
    LineInput("target_achievement_rate", Decimal(50), Decimal("1.0"), ScoringRule.LINEAR_CAP, Decimal(120)),
    LineInput("gross_margin_rate", Decimal(20), Decimal("1.0")),
    LineInput("collection_rate", Decimal(20), Decimal("0.9")),
    LineInput("customer_satisfaction", Decimal(10), Decimal(4)),
]
COMMENTS = ["本月整体完成较好，继续保持。", "回款偏慢，需要加强应收账款跟进。", "拜访量不足，客户覆盖面偏窄。"]
ROOT_CAUSES = ["重点客户采购延期，新客户开发不足。", "拜访计划执行不到位，跟进不及时。"]


def _last_ended(today: date, kind: str) -> Period:
    month = Period.month_of(today)
    if kind == "month":
        previous = Period.month_of(month.start - timedelta(days=1))
        return previous
    quarter = month.parent
    assert quarter is not None
    return Period.month_of(quarter.start - timedelta(days=1)).parent  # type: ignore[return-value]


def _ensure_engine(period: Period, today: date) -> None:
    from targets.services import achievements_recompute

    as_of = engine_as_of(period=period)
    if as_of is not None and as_of >= period.end:
        return
    yesterday = today - timedelta(days=1)
    same_year = Period.month_of(yesterday).year == Period.month_of(period.end).year
    achievements_recompute(as_of=yesterday if same_year else period.end)


@transaction.atomic
def seed(*, org: Any, rng: random.Random, today: date) -> None:
    start = date(today.year - 2, 1, 1)
    focus = ""
    try:
        from sales.models import Product

        lines = list(Product.objects.values_list("product_line", flat=True).distinct().order_by("product_line")[:1])
        focus = "\n".join(lines)
    except Exception:  # noqa: BLE001, S110 - the demo works without products
        pass
    scheme_create(
        name="销售代表考核方案",
        position=Position.REP,
        valid_from=start,
        lines=REP_LINES,
        focus_product_lines=focus,
        by=org.director,
    )
    for position, name in ((Position.TEAM_MANAGER, "主管考核方案"), (Position.REGIONAL_MANAGER, "区域经理考核方案")):
        scheme_create(name=name, position=position, valid_from=start, lines=MANAGER_LINES, by=org.director)
    plan = commission_plan_create(
        name="销售提成方案（含超额加速）",
        metric="sales_amount",
        position=Position.REP,
        tiers=[
            (Decimal(0), Decimal(80), Decimal("1.0")),
            (Decimal(80), Decimal(100), Decimal("2.0")),
            (Decimal(100), None, Decimal("4.0")),
        ],
        by=org.director,
    )
    month = _last_ended(today, "month")
    quarter = _last_ended(today, "quarter")
    # Last quarter for the whole company; last month team by team (each opened by its manager),
    # with the rankings published to the reps.
    openings = [(quarter, org.director, None)]
    openings += [(month, next((m for m in org.managers if m.team_id == t.pk), org.director), t) for t in org.teams]
    for period, opener, team in openings:
        try:
            _ensure_engine(period, today)
            appraisal = appraisal_period_open(period=str(period), opened_by=opener, team=team, today=today)
        except ApplicationError:
            continue
        if period == month:
            appraisal.rankings_published = True
            appraisal.save(update_fields=["rankings_published"])
        _review_some(appraisal, rng, today)
    with contextlib.suppress(ApplicationError):
        commission_statements_compute(plan=plan, period=str(month), by=org.director)
    _versioned_statements(org, plan, month)
    current = Period.month_of(today).parent
    for team in org.teams[:2]:
        reps = [r for r in org.reps if r.team_id == team.pk]
        manager = next((m for m in org.managers if m.team_id == team.pk), org.director)
        if len(reps) >= 2:
            contest_create(
                name=f"{team.name}季度销售竞赛",
                period=str(current),
                metric="sales_amount",
                created_by=manager,
                team=team,
                people=reps,
                prize="冠军奖金 3000 元",
            )


def _review_some(appraisal: Any, rng: random.Random, today: date) -> None:
    """The first teams' cards get a review; some are submitted and approved, with outcomes."""
    cards = list(
        Scorecard.objects.filter(appraisal_period=appraisal, position=Position.REP)
        .select_related("person__manager__manager", "person")
        .order_by("rank_company")[:12]
    )
    for i, card in enumerate(cards):
        manager = card.person.manager
        if manager is None or manager.position != Position.TEAM_MANAGER:
            continue
        scorecard_review_update(
            scorecard=card,
            by=manager,
            data={
                "manager_comment": rng.choice(COMMENTS),
                "root_cause": rng.choice(ROOT_CAUSES),
                "improvement_plan": "每周制定拜访计划，重点客户每两周回访一次。",
            },
        )
        if i % 3 == 2:
            continue
        scorecard_submit(scorecard=card, by=manager)
        if i % 3 == 0 and manager.manager is not None:
            scorecard_approve(scorecard=card, by=manager.manager)
            if i == 0:
                outcome_create(
                    person=card.person,
                    scorecard=card,
                    kind=OutcomeKind.REWARD,
                    amount=Decimal("2000.00"),
                    reason="综合得分排名第一",
                    decided_by=manager,
                    on=today,
                )
    if cards:
        last = cards[-1]
        manager = last.person.manager
        if manager is not None and manager.position == Position.TEAM_MANAGER:
            outcome_create(
                person=last.person,
                scorecard=last,
                kind=OutcomeKind.IMPROVEMENT_PLAN,
                reason="连续未达成目标，制定一个月改进计划",
                decided_by=manager,
                on=today,
            )


def _versioned_statements(org: Any, plan: Any, month: Period) -> None:
    """The month before last on the plan's dated version: each rep's statement built and issued
    (the last month keeps the engine-based drafts), and one rep disputing a line."""
    previous = Period.month_of(month.start - timedelta(days=1))
    commission_plan_version_create(
        plan=plan,
        effective_from=previous.start,
        mode="excess",
        tiers=[(t.lower_percent, t.upper_percent, t.rate_percent) for t in plan.tiers.all()],
        note="按回款前的订单金额，超额累进",
        by=org.director,
    )
    disputed = False
    for rep in org.reps:
        if rep.team_id is None or rep.position != plan.position or rep.status == "left":
            continue
        try:
            statement = commission_statement_build(plan=plan, person=rep, period=str(previous), by=org.director)
            commission_statement_issue(statement=statement, by=org.director)
        except ApplicationError:
            continue
        line = statement.lines.order_by("pk").first()
        if line is not None and not disputed:
            commission_line_dispute(line=line, by=rep, reason="这笔订单的分成比例不对")
            disputed = True
