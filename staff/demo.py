"""Demo organization for `seed_demo`: a director, regions, teams and reps with Chinese names; and
(`seed`, run after the other apps) recruitment: openings, candidates and their selection steps.
The year's people changes are in `staff.demo_history`."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from staff.demo_history import org_history
from staff.models import (
    Candidate,
    CandidateStatus,
    Opening,
    OpeningStatus,
    Person,
    PersonStatus,
    Position,
    Region,
    SelectionStep,
    SelectionStepKind,
    Team,
)

DEMO_PASSWORD = "demo1234"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国志宏海波斌琳雪梅晨"
    "浩宇欣怡子涵思远佳豪雨轩博文晓东俊杰"
)
REGIONS = [
    ("EAST", "华东大区", ["上海", "杭州", "南京", "苏州"]),
    ("SOUTH", "华南大区", ["广州", "深圳", "厦门", "南宁"]),
    ("NORTH", "华北大区", ["北京", "天津", "石家庄", "太原"]),
    ("WEST", "西南大区", ["成都", "重庆", "昆明", "贵阳"]),
    ("CENTRAL", "华中大区", ["武汉", "长沙", "郑州", "南昌"]),
    ("NWEST", "西北大区", ["西安", "兰州", "银川", "西宁"]),
    ("NEAST", "东北大区", ["沈阳", "大连", "长春", "哈尔滨"]),
    ("SHAN", "山东大区", ["济南", "青岛", "烟台", "潍坊"]),
    ("FUJ", "闽赣大区", ["福州", "泉州", "赣州", "九江"]),
    ("XJ", "新疆大区", ["乌鲁木齐", "克拉玛依", "喀什", "伊宁"]),
]
ORDINALS = "一二三四五六七八九十"


@dataclass
class DemoOrg:
    director: Person
    regions: list[Region] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    managers: list[Person] = field(default_factory=list)
    reps: list[Person] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def chinese_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def shape(reps: int) -> tuple[int, int]:
    """Teams and regions for a number of reps: ~6 reps a team in the demo, ~20 at benchmark size."""
    teams = 7 if reps <= 60 else max(7, reps // 20)
    regions = 3 if teams < 30 else max(3, teams // 10)
    return teams, regions


@transaction.atomic
def seed_org(*, rng: random.Random, reps: int, today: date) -> DemoOrg:
    """Create the organization. Logins exist for the admin, the director, managers and a few reps."""
    team_count, region_count = shape(reps)
    login = _login_maker()
    login("admin", superuser=True)
    start_of_history = date(today.year - 3, 1, 1)
    director = Person.objects.create(
        employee_no="E0001",
        name=chinese_name(rng),
        position=Position.DIRECTOR,
        hire_date=start_of_history,
        status=PersonStatus.ACTIVE,
        user=login("director"),
    )
    org = DemoOrg(director=director, logins=[("admin", "superuser (Django admin)"), ("director", "sales director")])
    # Employee numbers follow in creation order: E0001 is the director.
    numbers = itertools.count(2)
    _regions(org, rng=rng, login=login, numbers=numbers, counts=(region_count, team_count), hired=start_of_history)
    _team_managers(org, rng=rng, login=login, numbers=numbers, hired=start_of_history)
    _reps(org, rng=rng, login=login, numbers=numbers, reps=reps, today=today)
    org_history(org, today=today, login_reps=_login_reps(org))
    return org


def _login_reps(org: DemoOrg) -> int:
    """The first reps have a login (one per team, ten at most)."""
    return min(len(org.teams), 10)  # the same count as staff.demo_history.leavers


def _login_maker() -> Callable[..., Any]:
    """`login(username, superuser=False)`: a user with the demo password (hashed once for all)."""
    user_model = get_user_model()
    password_hash = user_model(username="x")
    password_hash.set_password(DEMO_PASSWORD)
    hashed = password_hash.password

    def login(username: str, *, superuser: bool = False) -> Any:
        user = user_model(username=username, password=hashed, is_staff=superuser, is_superuser=superuser)
        user.save()
        return user

    return login


def _regions(
    org: DemoOrg,
    *,
    rng: random.Random,
    login: Callable[..., Any],
    numbers: Iterator[int],
    counts: tuple[int, int],
    hired: date,
) -> None:
    """The regions (`counts`: regions, teams), each with its regional manager (a login for the
    first ten) and its teams, named after the region's cities."""
    region_count, team_count = counts
    for r in range(region_count):
        code, name, cities = REGIONS[r % len(REGIONS)]
        suffix = "" if r < len(REGIONS) else str(r // len(REGIONS) + 1)
        region = Region.objects.create(code=f"{code}{suffix}", name=f"{name}{suffix}")
        org.regions.append(region)
        username = f"rm{r + 1:02d}"
        regional_manager = Person.objects.create(
            employee_no=f"E{next(numbers):04d}",
            name=chinese_name(rng),
            position=Position.REGIONAL_MANAGER,
            region=region,
            manager=org.director,
            hire_date=hired + timedelta(days=30 + r),
            status=PersonStatus.ACTIVE,
            user=login(username) if r < 10 else None,
        )
        org.managers.append(regional_manager)
        if r < 10:
            org.logins.append((username, f"regional_manager {region.name}"))
        region_teams = [t for t in range(team_count) if t % region_count == r]
        for i, _t in enumerate(region_teams):
            city = cities[i % len(cities)]
            team = Team.objects.create(
                code=f"{region.code}-T{i + 1:02d}", name=f"{city}{ORDINALS[(i // len(cities)) % 10]}组", region=region
            )
            org.teams.append(team)


def _team_managers(
    org: DemoOrg, *, rng: random.Random, login: Callable[..., Any], numbers: Iterator[int], hired: date
) -> None:
    """A manager per team, under the region's manager (a login for the first twenty)."""
    for t, team in enumerate(org.teams):
        username = f"tm{t + 1:02d}"
        regional_manager = org.managers[org.regions.index(team.region)]
        team_manager = Person.objects.create(
            employee_no=f"E{next(numbers):04d}",
            name=chinese_name(rng),
            position=Position.TEAM_MANAGER,
            team=team,
            region=team.region,
            manager=regional_manager,
            hire_date=hired + timedelta(days=90 + t),
            status=PersonStatus.ACTIVE,
            user=login(username) if t < 20 else None,
        )
        org.managers.append(team_manager)
        if t < 20:
            org.logins.append((username, f"team_manager {team.name}"))


def _reps(
    org: DemoOrg, *, rng: random.Random, login: Callable[..., Any], numbers: Iterator[int], reps: int, today: date
) -> None:
    """The reps, dealt round the teams, hired 20 to 900 days ago (on probation for 90 days); a
    login for the first rep of the first ten teams."""
    team_managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    new_people = []
    for i in range(reps):
        team = org.teams[i % len(org.teams)]
        hired = today - timedelta(days=rng.randint(20, 900))
        new_people.append(
            Person(
                employee_no=f"E{next(numbers):04d}",
                name=chinese_name(rng),
                position=Position.REP,
                team=team,
                region=team.region,
                manager=team_managers[team.pk],
                hire_date=hired,
                status=PersonStatus.PROBATION if (today - hired).days < 90 else PersonStatus.ACTIVE,
            )
        )
    org.reps = Person.objects.bulk_create(new_people, batch_size=1000)
    rep_users = []
    for i, rep in enumerate(org.reps[: _login_reps(org)]):
        username = f"rep{i + 1:02d}"
        rep.user = login(username)
        rep_users.append(rep)
        org.logins.append((username, f"rep {rep.team.name}"))
    Person.objects.bulk_update(rep_users, ["user"])


# --- Recruitment --------------------------------------------------------------------------------

OPENING_TITLES = ("销售代表", "销售代表（新客户开发）", "大客户销售代表", "销售代表（储备）")
REQUIREMENTS = (
    "大专及以上学历，一年以上销售经验，能适应出差。",
    "有行业客户资源者优先，沟通能力强，结果导向。",
    "本科学历，应届生亦可，有驾照，能接受片区内拜访。",
)
SOURCES = ("内部推荐", "招聘网站", "校园招聘", "猎头", "公司官网")
STEP_NOTES = {
    SelectionStepKind.INTERVIEW: ("表达清晰，对行业有一定了解", "动机明确，稳定性待观察", "沟通一般，经验偏少"),
    SelectionStepKind.WRITTEN_TEST: ("产品与计算题完成较好", "基础知识扎实", "案例分析思路欠清晰"),
    SelectionStepKind.ROLE_PLAY: ("情景模拟中异议处理得当", "能主动挖掘客户需求", "成交推进略显急躁"),
}
REJECT_REASONS = ("情景模拟得分未达标", "期望薪资超出预算", "行业经验不足")


@transaction.atomic
def seed(*, org: DemoOrg, rng: random.Random, today: date) -> None:
    """Recruitment in the demo: per team one or two open openings with candidates at every stage,
    and for a team with a rep hired in the last year the filled opening that rep came from (the
    hired candidate is that rep). Bulk inserts, history rows included; no query per row."""
    openings, plans = _openings(org, rng=rng, today=today)
    openings = bulk_create_with_history(openings, Opening, batch_size=1000)
    candidates, step_plans = _candidates(openings, plans, rng=rng, today=today)
    candidates = bulk_create_with_history(candidates, Candidate, batch_size=1000)
    regional_managers = {m.region_id: m for m in org.managers if m.position == Position.REGIONAL_MANAGER}
    steps = _selection_steps(candidates, step_plans, regional_managers, rng=rng, today=today)
    SelectionStep.objects.bulk_create(steps, batch_size=1000)


def _openings(org: DemoOrg, *, rng: random.Random, today: date) -> tuple[list[Opening], list[tuple[int, Any]]]:
    """The openings (unsaved), and (opening index, candidate plan) per candidate to create, where
    the plan is a status, or the rep who was hired."""
    team_managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    recent_hires: dict[int, list[Person]] = {}
    for rep in org.reps:
        if 30 <= (today - rep.hire_date).days <= 365:
            recent_hires.setdefault(rep.team_id, []).append(rep)
    openings: list[Opening] = []
    plans: list[tuple[int, Any]] = []
    for team in org.teams:
        manager = team_managers.get(team.pk)
        for n in range(1 if rng.random() < 0.5 else 2):
            openings.append(
                Opening(
                    title=rng.choice(OPENING_TITLES),
                    team=team,
                    region_id=team.region_id,
                    hiring_manager=manager,
                    headcount=rng.choice((1, 1, 2)),
                    requirements=rng.choice(REQUIREMENTS),
                    opened_on=today - timedelta(days=rng.randint(7, 60) + 30 * n),
                    status=OpeningStatus.OPEN,
                )
            )
            statuses = [CandidateStatus.APPLIED, CandidateStatus.IN_SELECTION]
            statuses += rng.sample(
                [CandidateStatus.IN_SELECTION, CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN], k=rng.randint(1, 3)
            )
            plans += [(len(openings) - 1, status) for status in statuses]
        hired = recent_hires.get(team.pk, [])[:1]
        for person in hired:
            openings.append(
                Opening(
                    title=OPENING_TITLES[0],
                    team=team,
                    region_id=team.region_id,
                    hiring_manager=manager,
                    headcount=1,
                    requirements=rng.choice(REQUIREMENTS),
                    opened_on=person.hire_date - timedelta(days=rng.randint(30, 50)),
                    status=OpeningStatus.FILLED,
                )
            )
            plans += [(len(openings) - 1, person), (len(openings) - 1, CandidateStatus.REJECTED)]
    return openings, plans


def _candidates(
    openings: list[Opening], plans: list[tuple[int, Any]], *, rng: random.Random, today: date
) -> tuple[list[Candidate], list[tuple[int, int, bool]]]:
    """The candidates (unsaved) of the plans, and per candidate (index, number of selection steps,
    whether the last one passed)."""
    candidates: list[Candidate] = []
    step_plans: list[tuple[int, int, bool]] = []
    for index, plan in plans:
        opening = openings[index]
        hired = plan if isinstance(plan, Person) else None
        status = CandidateStatus.HIRED if hired else plan
        latest = (hired.hire_date - timedelta(days=3)) if hired else today - timedelta(days=2)
        applied = opening.opened_on + timedelta(days=rng.randint(1, max(1, min(20, (latest - opening.opened_on).days))))
        decided = None
        reason = ""
        if hired:
            decided, reason = hired.hire_date, "综合评分最高，情景模拟表现突出"
        elif status == CandidateStatus.REJECTED:
            decided, reason = min(today, applied + timedelta(days=rng.randint(7, 20))), rng.choice(REJECT_REASONS)
        elif status == CandidateStatus.WITHDRAWN:
            decided, reason = min(today, applied + timedelta(days=rng.randint(3, 10))), "已接受其他公司录用"
        candidates.append(
            Candidate(
                opening=opening,
                team_id=opening.team_id,
                region_id=opening.region_id,
                name=hired.name if hired else chinese_name(rng),
                phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                source=rng.choice(SOURCES),
                applied_on=applied,
                status=status,
                decided_on=decided,
                decision_reason=reason,
                hired_person=hired,
            )
        )
        steps = {
            CandidateStatus.APPLIED: 0,
            CandidateStatus.IN_SELECTION: rng.randint(1, 2),
            CandidateStatus.WITHDRAWN: rng.randint(0, 1),
            CandidateStatus.REJECTED: rng.randint(1, 3),
            CandidateStatus.HIRED: 3,
        }[status]
        step_plans.append((len(candidates) - 1, steps, status != CandidateStatus.REJECTED))
    return candidates, step_plans


def _selection_steps(
    candidates: list[Candidate],
    step_plans: list[tuple[int, int, bool]],
    regional_managers: dict[int, Person],
    *,
    rng: random.Random,
    today: date,
) -> list[SelectionStep]:
    """Each candidate's steps in order (interview, written test, role play), all passed but a
    rejected candidate's last; the region's manager assesses the role play."""
    kinds = (SelectionStepKind.INTERVIEW, SelectionStepKind.WRITTEN_TEST, SelectionStepKind.ROLE_PLAY)
    steps: list[SelectionStep] = []
    for index, count, last_passed in step_plans:
        candidate = candidates[index]
        end = candidate.decided_on or today
        for n in range(count):
            kind = kinds[n]
            last = n == count - 1
            passed = last_passed if last else True
            score = rng.randint(72, 95) if passed else rng.randint(45, 59)
            assessor = (
                regional_managers.get(candidate.region_id) if kind == SelectionStepKind.ROLE_PLAY else None
            ) or candidate.opening.hiring_manager
            steps.append(
                SelectionStep(
                    candidate=candidate,
                    kind=kind,
                    date=min(end, candidate.applied_on + timedelta(days=3 + 4 * n)),
                    assessor=assessor,
                    score=Decimal(score),
                    passed=passed,
                    notes=rng.choice(STEP_NOTES[kind]),
                )
            )
    return steps
