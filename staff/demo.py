"""Demo organization for `seed_demo`: a director, regions, teams and reps with Chinese names."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from staff.models import EmploymentEvent, EventKind, Person, PersonStatus, Position, Region, Team

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
    user_model = get_user_model()
    team_count, region_count = shape(reps)
    password_hash = user_model(username="x")
    password_hash.set_password(DEMO_PASSWORD)
    hashed = password_hash.password

    def login(username: str, *, superuser: bool = False) -> object:
        user = user_model(username=username, password=hashed, is_staff=superuser, is_superuser=superuser)
        user.save()
        return user

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
    number = 2
    for r in range(region_count):
        code, name, cities = REGIONS[r % len(REGIONS)]
        suffix = "" if r < len(REGIONS) else str(r // len(REGIONS) + 1)
        region = Region.objects.create(code=f"{code}{suffix}", name=f"{name}{suffix}")
        org.regions.append(region)
        username = f"rm{r + 1:02d}"
        regional_manager = Person.objects.create(
            employee_no=f"E{number:04d}",
            name=chinese_name(rng),
            position=Position.REGIONAL_MANAGER,
            region=region,
            manager=director,
            hire_date=start_of_history + timedelta(days=30 + r),
            status=PersonStatus.ACTIVE,
            user=login(username) if r < 10 else None,
        )
        number += 1
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
    for t, team in enumerate(org.teams):
        username = f"tm{t + 1:02d}"
        regional_manager = org.managers[org.regions.index(team.region)]
        team_manager = Person.objects.create(
            employee_no=f"E{number:04d}",
            name=chinese_name(rng),
            position=Position.TEAM_MANAGER,
            team=team,
            region=team.region,
            manager=regional_manager,
            hire_date=start_of_history + timedelta(days=90 + t),
            status=PersonStatus.ACTIVE,
            user=login(username) if t < 20 else None,
        )
        number += 1
        org.managers.append(team_manager)
        if t < 20:
            org.logins.append((username, f"team_manager {team.name}"))
    team_managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    new_people = []
    for i in range(reps):
        team = org.teams[i % len(org.teams)]
        hired = today - timedelta(days=rng.randint(20, 900))
        new_people.append(
            Person(
                employee_no=f"E{number:04d}",
                name=chinese_name(rng),
                position=Position.REP,
                team=team,
                region=team.region,
                manager=team_managers[team.pk],
                hire_date=hired,
                status=PersonStatus.PROBATION if (today - hired).days < 90 else PersonStatus.ACTIVE,
            )
        )
        number += 1
    org.reps = Person.objects.bulk_create(new_people, batch_size=1000)
    # Logins for the first rep of the first few teams.
    rep_users = []
    for i, rep in enumerate(org.reps[: min(len(org.teams), 10)]):
        username = f"rep{i + 1:02d}"
        rep.user = login(username)
        rep_users.append(rep)
        org.logins.append((username, f"rep {rep.team.name}"))
    Person.objects.bulk_update(rep_users, ["user"])
    everyone = [director, *org.managers, *org.reps]
    EmploymentEvent.objects.bulk_create(
        [
            EmploymentEvent(
                person=p,
                kind=EventKind.HIRED,
                date=p.hire_date,
                reason="入职",
                to_position=p.position,
                to_team=p.team,
                to_manager=p.manager,
            )
            for p in everyone
        ],
        batch_size=1000,
    )
    return org
