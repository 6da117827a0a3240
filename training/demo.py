"""Demo data of training for `seed_demo`: courses and materials, onboarding of recent hires, classes,
coaching sessions with action items and follow-ups, joint-visit reviews, work reports with comments,
and training suggestions. Volume goes through bulk inserts (with history where the model keeps it)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from simple_history.utils import bulk_create_with_history

from fieldwork.models import Visit, VisitKind
from salesorg.periods import Period
from staff.models import Position
from training.models import (
    ActionItem,
    ActionItemStatus,
    ClassSession,
    CoachingSession,
    Course,
    CourseKind,
    CourseMaterial,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    MaterialKind,
    Onboarding,
    ReportComment,
    ReportKind,
    RequiredCourse,
    ReviewMeeting,
    SessionKind,
    WorkReport,
    WorkReportRule,
)
from training.services import onboarding_courses_ensure, training_suggestions_generate

COURSES = [
    ("SK-01", "应收账款回收实务", CourseKind.SALES_SKILLS, "collection", "逾期客户分级、催收话术、付款条件谈判"),
    ("SK-02", "拜访计划与路线管理", CourseKind.SALES_SKILLS, "visit_planning", "拜访频率、路线规划、拜访前准备"),
    ("SK-03", "成交技巧与商机推进", CourseKind.SALES_SKILLS, "closing", "识别购买信号、异议处理、促成成交"),
    ("SK-04", "价格谈判与毛利管理", CourseKind.SALES_SKILLS, "pricing", "价值销售、折扣纪律"),
    ("SK-05", "新客户开发", CourseKind.SALES_SKILLS, "prospecting", "目标客户筛选、陌生拜访、转介绍"),
    ("SK-06", "行业市场拓展", CourseKind.SALES_SKILLS, "market_development", "新行业切入、细分市场分析"),
    ("PR-01", "重点产品线知识", CourseKind.PRODUCT, "product_knowledge", "产品卖点、竞品对比、典型应用"),
    ("CM-01", "客户沟通与问题处理", CourseKind.COMMUNICATION, "customer_service", "倾听、投诉处理、跨部门协调"),
    ("MG-01", "一对一辅导与陪同拜访", CourseKind.MANAGEMENT, "coaching", "辅导流程、陪访中的教练角色、追踪管理"),
]

ONE_ON_ONE = [
    ("客户关系维护积极", "回款跟进不及时", "讨论本月逾期账款与催收计划", "每周一整理逾期清单并逐一电话跟进"),
    ("产品知识扎实", "拜访量不足", "分析拜访路线与时间分配", "每天至少安排3家客户拜访"),
    ("沟通能力强", "商机推进慢", "逐一梳理在跟商机的下一步", "每个商机明确下一步和时间"),
]
ACTIONS = [
    "整理逾期客户清单并电话跟进",
    "提交下周拜访计划",
    "完成重点客户的方案报价",
    "约见客户采购负责人",
    "复盘丢单原因",
]


@transaction.atomic
def seed(*, org: Any, rng: random.Random, today: date) -> None:
    onboarding = onboarding_courses_ensure()
    courses = Course.objects.bulk_create(
        [
            Course(code=code, title=title, kind=kind, topic=topic, description=desc)
            for code, title, kind, topic, desc in COURSES
        ]
    )
    RequiredCourse.objects.bulk_create(
        [
            RequiredCourse(course=c, position=Position.TEAM_MANAGER, due_days=60)
            for c in courses
            if c.kind == CourseKind.MANAGEMENT
        ]
    )
    CourseMaterial.objects.bulk_create(
        [
            CourseMaterial(
                course=c, kind=MaterialKind.DOCUMENT, title=f"{c.display_title} · 讲义", body="培训讲义（示例）"
            )
            for c in onboarding + courses
        ]
    )
    ClassSession.objects.bulk_create(
        [
            ClassSession(
                course=rng.choice(onboarding + courses),
                date=today + timedelta(days=offset),
                location="公司培训室",
                trainer=org.director,
            )
            for offset in range(-20, 30, 5)
        ]
    )
    _onboard_recent_hires(org=org, rng=rng, today=today)
    WorkReportRule.objects.bulk_create(
        [WorkReportRule(team=team, kind=kind) for team in org.teams for kind in (ReportKind.DAILY, ReportKind.WEEKLY)]
    )
    _work_reports(org=org, rng=rng, today=today)
    _coaching(org=org, rng=rng, today=today)
    _suggestions(org=org, rng=rng, today=today)
    _review_meetings(org=org, today=today)


def _onboard_recent_hires(*, org: Any, rng: random.Random, today: date) -> None:
    recent = [rep for rep in org.reps if (today - rep.hire_date).days <= 120]
    required = list(RequiredCourse.objects.filter(position=Position.REP).select_related("course"))
    bulk_create_with_history(
        [
            Onboarding(
                person=rep,
                team_id=rep.team_id,
                region_id=rep.region_id,
                started_on=rep.hire_date,
                due_on=rep.hire_date + timedelta(days=30),
            )
            for rep in recent
        ],
        Onboarding,
    )
    onboardings = list(Onboarding.objects.filter(person__in=recent).select_related("person"))
    enrollments, completed = [], []
    for ob in onboardings:
        progress = min(1.0, (today - ob.started_on).days / 30) * rng.uniform(0.6, 1.1)
        done_all = True
        for r in required:
            day = ob.started_on + timedelta(days=rng.randint(1, 28))
            done = rng.random() < progress and day < today
            enrollments.append(
                Enrollment(
                    person=ob.person,
                    course=r.course,
                    team_id=ob.team_id,
                    region_id=ob.region_id,
                    onboarding=ob,
                    enrolled_on=ob.started_on,
                    due_on=ob.due_on,
                    status=EnrollmentStatus.COMPLETED if done else EnrollmentStatus.ENROLLED,
                    completed_on=day if done else None,
                    score=Decimal(rng.randint(65, 98)) if done else None,
                    trainer_comment="掌握良好" if done else "",
                )
            )
            done_all = done_all and done
        if done_all:
            ob.completed_on = max(e.completed_on for e in enrollments[-len(required) :])
            completed.append(ob)
    bulk_create_with_history(enrollments, Enrollment, batch_size=1000)
    Onboarding.objects.bulk_update(completed, ["completed_on"])


def _work_reports(*, org: Any, rng: random.Random, today: date) -> None:
    days = [today - timedelta(days=n) for n in range(1, 15) if (today - timedelta(days=n)).weekday() < 5][:8]
    visits = {
        (row["author_id"], row["date"]): row["n"]
        for row in Visit.objects.filter(date__in=days).values("author_id", "date").annotate(n=Count("id"))
    }
    reports = [
        WorkReport(
            person=rep,
            team_id=rep.team_id,
            region_id=rep.region_id,
            kind=ReportKind.DAILY,
            period_start=day,
            period_end=day,
            numbers={"visits": visits.get((rep.pk, day), 0)},
            summary=f"今日拜访{visits.get((rep.pk, day), 0)}家客户，跟进报价与回款。",
            next_plan="明天继续跟进重点客户。",
        )
        for rep in org.reps
        for day in days
        if rng.random() < 0.85
    ]
    bulk_create_with_history(reports, WorkReport, batch_size=1000)
    managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    saved = WorkReport.objects.filter(kind=ReportKind.DAILY).only("id", "team_id")
    ReportComment.objects.bulk_create(
        [
            ReportComment(
                report=r,
                author=managers[r.team_id],
                text=rng.choice(["收到，注意回款进度。", "很好，继续保持。", "明天一起去拜访这家客户。"]),
            )
            for r in saved
            if r.team_id in managers and rng.random() < 0.3
        ],
        batch_size=1000,
    )


def _coaching(*, org: Any, rng: random.Random, today: date) -> None:
    """Sessions (a one-on-one per rep, reviews of the latest joint visits, a weekly meeting per
    team), an action item from every session about a person, and follow-ups of half of them."""
    managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    sessions = _one_on_ones(org=org, managers=managers, rng=rng, today=today)
    sessions += _joint_visit_reviews(org=org, managers=managers)
    sessions += [
        CoachingSession(
            kind=SessionKind.TEAM_MEETING,
            coach=coach,
            team_id=team_id,
            region_id=coach.region_id,
            date=today - timedelta(days=today.weekday() + 7),
            topic="周例会：目标进度与问题分享",
        )
        for team_id, coach in managers.items()
    ]
    bulk_create_with_history(sessions, CoachingSession, batch_size=1000)
    _action_items(rng=rng, today=today)


def _one_on_ones(*, org: Any, managers: dict, rng: random.Random, today: date) -> list[CoachingSession]:
    sessions = []
    for rep in org.reps:
        coach = managers.get(rep.team_id)
        if coach is None:
            continue
        strengths, weaknesses, discussed, plan = rng.choice(ONE_ON_ONE)
        sessions.append(
            CoachingSession(
                kind=SessionKind.ONE_ON_ONE,
                coach=coach,
                person=rep,
                team_id=rep.team_id,
                region_id=rep.region_id,
                date=today - timedelta(days=rng.randint(3, 40)),
                strengths=strengths,
                weaknesses=weaknesses,
                discussed=discussed,
                agreed_plan=plan,
            )
        )
    return sessions


def _joint_visit_reviews(*, org: Any, managers: dict) -> list[CoachingSession]:
    """Reviews of the latest joint visits (twice as many as there are teams), by the author's team manager."""
    joint = (
        Visit.objects.filter(kind=VisitKind.JOINT, author__in=org.reps)
        .select_related("author")
        .order_by("-date")[: len(org.teams) * 2]
    )
    return [
        CoachingSession(
            kind=SessionKind.JOINT_VISIT_REVIEW,
            coach=managers[visit.author.team_id],
            person=visit.author,
            team_id=visit.team_id,
            region_id=visit.region_id,
            date=visit.date,
            visit=visit,
            did_well="开场自然，需求了解充分",
            to_improve="缺少明确的下一步约定",
        )
        for visit in joint
        if visit.author.team_id in managers
    ]


def _action_items(*, rng: random.Random, today: date) -> None:
    """An action item per saved session about a person (done if due and six times in ten), and
    a follow-up on half of them."""
    saved = CoachingSession.objects.exclude(person=None).only(
        "id", "person_id", "coach_id", "team_id", "region_id", "date"
    )
    items = []
    for session in saved:
        due = session.date + timedelta(days=rng.choice([5, 7, 14]))
        done = due < today and rng.random() < 0.6
        items.append(
            ActionItem(
                session=session,
                owner_id=session.person_id,
                coach_id=session.coach_id,
                team_id=session.team_id,
                region_id=session.region_id,
                title=rng.choice(ACTIONS),
                due_on=due,
                status=ActionItemStatus.DONE if done else ActionItemStatus.OPEN,
                done_on=due if done else None,
            )
        )
    bulk_create_with_history(items, ActionItem, batch_size=1000)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                action_item=item, date=min(today, item.due_on), note="已检查进度，按计划推进。", author_id=item.coach_id
            )
            for item in ActionItem.objects.only("id", "due_on", "coach_id")
            if rng.random() < 0.5
        ],
        batch_size=1000,
    )


def _suggestions(*, org: Any, rng: random.Random, today: date) -> None:
    """Last quarter's KPI snapshot, as appraisal would pass it: collection rate and daily visits."""
    this_quarter = Period.month_of(today).parent
    period = str(Period.month_of(this_quarter.start - timedelta(days=1)).parent)
    values = {
        rep.pk: {
            "collection_rate": Decimal(rng.randint(55, 105)) / 100,
            "average_daily_visits": Decimal(rng.randint(15, 45)) / 10,
        }
        for rep in org.reps
    }
    training_suggestions_generate(
        person_ids=[rep.pk for rep in org.reps],
        kpi_values=values,
        kpi_targets={"collection_rate": Decimal("0.85"), "average_daily_visits": Decimal("3.0")},
        period=period,
        today=today,
    )


def _review_meetings(*, org: Any, today: date) -> None:
    """Last quarter's review meeting (复盘) of every team with a manager, a week after the quarter
    ended, with one action item for each rep of the team (no random draws: the other seeded data
    stays as it was)."""
    this_quarter = Period.month_of(today).parent
    last = Period.month_of(this_quarter.start - timedelta(days=1)).parent
    on = min(last.end + timedelta(days=7), today)
    managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    meetings = [
        ReviewMeeting(
            period=str(last),
            start=last.start,
            end=last.end,
            team_id=team_id,
            region_id=manager.region_id or _team_region(org, team_id),
            date=on,
            held_by=manager,
            notes="逐一复盘目标达成、丢单原因和停滞商机，明确下季度改进措施。",
        )
        for team_id, manager in managers.items()
    ]
    bulk_create_with_history(meetings, ReviewMeeting)
    saved = {m.team_id: m for m in ReviewMeeting.objects.filter(period=str(last), team_id__in=managers)}
    bulk_create_with_history(
        [
            ActionItem(
                review_meeting=saved[rep.team_id],
                owner=rep,
                coach=managers[rep.team_id],
                team_id=rep.team_id,
                region_id=rep.region_id,
                title="复盘丢单原因",
                due_on=on + timedelta(days=30),
            )
            for rep in org.reps
            if rep.team_id in saved
        ],
        ActionItem,
        batch_size=1000,
    )


def _team_region(org: Any, team_id: int) -> int:
    return next(team.region_id for team in org.teams if team.pk == team_id)
