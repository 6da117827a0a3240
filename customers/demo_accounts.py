"""Demo data for customers and visits: a year of realistic customers, stakeholders, visits, expenses.

Fast: everything is built in memory and written with bulk_create. Every rep gets customers
(the sales demo, which runs next, needs owned customers); a few customers sit in the pool.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from customers.models import (
    Attitude,
    Classification,
    Competitor,
    Complaint,
    ComplaintStatus,
    CreditRating,
    Customer,
    CustomerEvaluation,
    CustomerKind,
    CustomerMove,
    CustomerReward,
    CustomerSource,
    Grade,
    IdleCustomerRule,
    MoveKind,
    RewardKind,
    Stakeholder,
    StakeholderRole,
)
from customers.services.accounts import grade_for
from staff.demo import chinese_name

CITY_COORDINATES = {
    "上海": (31.2304, 121.4737), "杭州": (30.2741, 120.1551), "南京": (32.0603, 118.7969),
    "苏州": (31.2989, 120.5853), "广州": (23.1291, 113.2644), "深圳": (22.5431, 114.0579),
    "厦门": (24.4798, 118.0894), "南宁": (22.8170, 108.3665), "北京": (39.9042, 116.4074),
    "天津": (39.3434, 117.3616), "石家庄": (38.0428, 114.5149), "太原": (37.8706, 112.5489),
    "成都": (30.5728, 104.0668), "重庆": (29.5630, 106.5516), "昆明": (25.0389, 102.7183),
    "贵阳": (26.6470, 106.6302), "武汉": (30.5928, 114.3055), "长沙": (28.2282, 112.9388),
    "郑州": (34.7466, 113.6254), "南昌": (28.6820, 115.8579), "西安": (34.3416, 108.9398),
    "兰州": (36.0611, 103.8343), "银川": (38.4872, 106.2309), "西宁": (36.6171, 101.7782),
    "沈阳": (41.8057, 123.4315), "大连": (38.9140, 121.6147), "长春": (43.8171, 125.3235),
    "哈尔滨": (45.8038, 126.5349), "济南": (36.6512, 117.1201), "青岛": (36.0671, 120.3826),
    "烟台": (37.4638, 121.4479), "潍坊": (36.7069, 119.1619), "福州": (26.0745, 119.2965),
    "泉州": (24.8741, 118.6757), "赣州": (25.8311, 114.9350), "九江": (29.7050, 116.0019),
    "乌鲁木齐": (43.8256, 87.6168), "克拉玛依": (45.5799, 84.8892), "喀什": (39.4704, 75.9898),
    "伊宁": (43.9168, 81.3242),
}  # fmt: skip
BRAND = list("恒达华强中联鑫源宏图天成瑞丰金鼎博远汇通东方盛世永泰新锐安捷精工远景联创嘉禾万隆德信正泰凯盛同创")
BRAND = ["".join(BRAND[i : i + 2]) for i in range(0, len(BRAND), 2)]
INDUSTRIES = {
    "机械制造": "精密机械",
    "电子电器": "电子科技",
    "化工": "化工",
    "食品饮料": "食品",
    "医疗器械": "医疗器械",
    "汽车零部件": "汽车部件",
    "建筑建材": "建材",
    "物流": "物流",
    "新能源": "新能源科技",
    "纺织服装": "纺织",
}
TITLES = {
    StakeholderRole.DECISION_MAKER: ["总经理", "董事长", "副总经理"],
    StakeholderRole.INFLUENCER: ["技术总监", "生产总监", "运营总监"],
    StakeholderRole.USER: ["车间主任", "设备主管", "工程师"],
    StakeholderRole.GATEKEEPER: ["总经理助理", "前台主管", "行政经理"],
    StakeholderRole.TECHNICAL: ["技术经理", "质量经理"],
    StakeholderRole.FINANCIAL: ["财务总监", "财务经理"],
}
COMPETITORS = [
    ("远航科技", "同类设备、配件", "比我方低8%-12%", "经销商为主", "价格低、交期短", "售后响应慢"),
    ("金桥实业", "中低端设备", "低价策略", "电商平台、代理商", "渠道广", "质量不稳定"),
    ("德耐克(中国)", "高端进口设备", "比我方高20%", "直销", "品牌强、技术领先", "价格高、服务网点少"),
    ("华创智能", "自动化产线", "项目制报价", "直销+集成商", "方案能力强", "标准品少"),
    ("宏达机电", "通用设备", "与我方相当", "区域代理", "本地关系好", "产品线单一"),
]
# Pool: back after idle_days, warned warning_days before, cool-off; follow-up: remind, copy, flag.
IDLE_RULES = {
    Classification.KEY: {
        "idle_days": 90, "warning_days": 14, "cooloff_days": 60,
        "follow_up_days": 14, "escalate_after": 7, "flag_after": 14,
    },
    Classification.GENERAL: {
        "idle_days": 60, "warning_days": 10, "cooloff_days": 30,
        "follow_up_days": 30, "escalate_after": 10, "flag_after": 20,
    },
    Classification.POTENTIAL: {
        "idle_days": 30, "warning_days": 7, "cooloff_days": 15,
        "follow_up_days": 60, "escalate_after": 15, "flag_after": 30,
    },
}  # fmt: skip


def _company_name(rng: random.Random, city: str, used: set[str]) -> tuple[str, str]:
    while True:
        industry = rng.choice(list(INDUSTRIES))
        name = f"{city}{rng.choice(BRAND)}{INDUSTRIES[industry]}有限公司"
        if name not in used:
            used.add(name)
            return name, industry
        name = f"{city}{rng.choice(BRAND)}{rng.choice(BRAND)}{INDUSTRIES[industry]}有限公司"
        if name not in used:
            used.add(name)
            return name, industry


def _jitter(rng: random.Random, value: float, spread: float) -> Decimal:
    return Decimal(str(round(value + rng.uniform(-spread, spread), 6)))


def _workday(rng: random.Random, start: date, end: date) -> date:
    day = start + timedelta(days=rng.randrange((end - start).days + 1))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return max(day, start)


def _city_of(team: Any) -> str:
    for city in sorted(CITY_COORDINATES, key=len, reverse=True):
        if team is not None and team.name.startswith(city):
            return city
    return "上海"


@transaction.atomic
def seed(*, org: Any, rng: random.Random, today: date) -> None:
    start = today - timedelta(days=365)
    _rules_and_competitors()
    customers, referred = _customers(org, rng=rng, start=start)
    _stakeholders(customers, rng=rng)
    _evaluations(customers, rng=rng, today=today)
    owned = [c for c in customers if c.owner_id]
    _complaints(owned, rng=rng, start=start, today=today)
    _rewards(owned, referred, rng=rng, start=start, today=today)


def _rules_and_competitors() -> None:
    # The migrations ship a rule per classification (the follow-up part): the demo sets both parts.
    for classification, rule in IDLE_RULES.items():
        IdleCustomerRule.objects.update_or_create(classification=classification, defaults=rule)
    Competitor.objects.bulk_create(
        [
            Competitor(name=c[0], products=c[1], prices=c[2], channels=c[3], strengths=c[4], weaknesses=c[5])
            for c in COMPETITORS
        ]
    )


def _customers(org: Any, *, rng: random.Random, start: date) -> tuple[list[Customer], list[Customer]]:
    """About a dozen customers per rep and three pool customers per team; a few referred."""
    teams = {t.pk: t for t in org.teams}
    used: set[str] = set()
    customers: list[Customer] = []
    n = 0

    def make(owner: Any, team: Any, classification: str) -> Customer:
        nonlocal n
        n += 1
        city = _city_of(team)
        lat, lon = CITY_COORDINATES[city]
        name, industry = _company_name(rng, city, used)
        potential = {"key": 5_000_000, "general": 800_000, "potential": 200_000}[classification]
        return Customer(
            code=f"KH{n:05d}",
            name=name,
            kind=rng.choices(CustomerKind.values, weights=[70, 20, 10])[0],
            industry=industry,
            owner=owner,
            owner_since=start if owner else None,
            team_id=team.pk if team else None,
            region_id=team.region_id if team else None,
            classification=classification,
            potential_amount=Decimal(int(potential * rng.uniform(0.5, 1.5) / 1000) * 1000),
            credit_rating=rng.choices(CreditRating.values, weights=[5, 15, 30, 25, 15, 7, 3])[0],
            credit_limit=Decimal(rng.choice([50_000, 100_000, 200_000, 500_000, 1_000_000])),
            address=f"{city}市{rng.choice(['高新区', '经济开发区', '工业园区', '新区'])}{rng.randint(1, 999)}号",
            latitude=_jitter(rng, lat, 0.12),
            longitude=_jitter(rng, lon, 0.12),
            source=rng.choice(
                [CustomerSource.COLD_CALL, CustomerSource.EXHIBITION, CustomerSource.WEBSITE, CustomerSource.TENDER]
            ),
            contacts=f"采购部 {chinese_name(rng)} 1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
        )

    for rep in org.reps:
        team = teams.get(rep.team_id)
        for _ in range(rng.randint(10, 18)):
            classification = rng.choices(Classification.values, weights=[15, 45, 40])[0]
            customers.append(make(rep, team, classification))
    for team in org.teams:
        for _ in range(3):
            customers.append(make(None, team, Classification.POTENTIAL))
    # A few customers came through a referral by an earlier customer.
    for customer in customers[20::17]:
        referrer = rng.choice(customers[:20])
        if referrer.owner_id and customer.owner_id:
            customer.source = CustomerSource.REFERRAL
            customer._referrer_code = referrer.code
    bulk_create_with_history(customers, Customer, batch_size=1000)
    customers = list(Customer.objects.select_related("owner").order_by("code"))
    referred = [c for c in customers if c.source == CustomerSource.REFERRAL]
    for customer in referred:
        customer.referred_by = rng.choice([c for c in customers[:20] if c.owner_id])
    Customer.objects.bulk_update(referred, ["referred_by"])
    CustomerMove.objects.bulk_create(
        [
            CustomerMove(
                customer=c,
                date=start,
                kind=MoveKind.CREATED if c.owner_id else MoveKind.RETURNED,
                to_owner_id=c.owner_id,
                reason="演示数据",
            )
            for c in customers
        ],
        batch_size=2000,
    )
    return customers, referred


def _stakeholders(customers: list[Customer], *, rng: random.Random) -> None:
    stakeholders: list[Stakeholder] = []
    for customer in customers:
        roles = [StakeholderRole.DECISION_MAKER, StakeholderRole.INFLUENCER, StakeholderRole.USER]
        if customer.classification == Classification.KEY:
            roles += [StakeholderRole.FINANCIAL, StakeholderRole.GATEKEEPER]
        for role in roles[: rng.randint(2, len(roles))]:
            stakeholders.append(
                Stakeholder(
                    customer=customer,
                    name=chinese_name(rng),
                    title=rng.choice(TITLES[role]),
                    role=role,
                    needs=rng.choice(["降低采购成本", "提高设备稼动率", "缩短交期", "本地化服务", "技术升级"]),
                    attitude=rng.choices(Attitude.values, weights=[40, 45, 15])[0],
                    relationship=rng.randint(1, 5),
                    phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}",
                )
            )
    Stakeholder.objects.bulk_create(stakeholders, batch_size=2000)


def _evaluations(customers: list[Customer], *, rng: random.Random, today: date) -> None:
    # Quarterly evaluations of key and general customers over the last four quarters.
    evaluations = []
    quarters = []
    q_day = today
    for _ in range(4):
        q_day = date(q_day.year, 3 * ((q_day.month - 1) // 3) + 1, 1) - timedelta(days=1)
        quarters.append((f"{q_day.year}-Q{(q_day.month - 1) // 3 + 1}", q_day))
    quarters.reverse()
    for customer in customers:
        if customer.classification == Classification.POTENTIAL or not customer.owner_id:
            continue
        base = rng.randint(3, 5)
        previous = ""
        for period, end in quarters:
            scores = [max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for _ in range(5)]
            overall = (Decimal(sum(scores)) / 5).quantize(Decimal("0.01"))
            grade = grade_for(overall)
            drop = previous and "ABCD".index(grade) > "ABCD".index(previous)
            evaluations.append(
                CustomerEvaluation(
                    customer=customer,
                    period=period,
                    date=end,
                    credit_score=scores[0],
                    payment_score=scores[1],
                    volume_score=scores[2],
                    cooperation_score=scores[3],
                    satisfaction_score=scores[4],
                    overall_score=overall,
                    grade=grade,
                    previous_grade=previous,
                    reason="回款周期变长，采购量下降" if drop else "",
                    response_plan="加强拜访频率，与财务确认付款计划" if drop else "",
                    evaluated_by=customer.owner,
                )
            )
            previous = grade
    CustomerEvaluation.objects.bulk_create(evaluations, batch_size=2000)
    assert all(e.grade in Grade.values for e in evaluations)


def _complaints(owned: list[Customer], *, rng: random.Random, start: date, today: date) -> None:
    complaints = []
    for customer in rng.sample(owned, k=min(len(owned), max(5, len(owned) // 12))):
        received = _workday(rng, start, today - timedelta(days=1))
        closed = (today - received).days > 20
        complaints.append(
            Complaint(
                customer=customer,
                received_on=received,
                subject=rng.choice(["交货延迟", "包装破损", "设备故障", "发票错误", "服务响应慢"]),
                description="客户来电反映问题，要求尽快处理。",
                status=ComplaintStatus.CLOSED
                if closed
                else rng.choice([ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING]),
                handled_by=customer.owner,
                resolution="已补发并致歉，客户确认满意。" if closed else "",
                closed_on=received + timedelta(days=rng.randint(2, 15)) if closed else None,
            )
        )
    Complaint.objects.bulk_create(complaints)


def _rewards(owned: list[Customer], referred: list[Customer], *, rng: random.Random, start: date, today: date) -> None:
    rewards = []
    for customer in [c for c in owned if c.classification == Classification.KEY][:30]:
        rewards.append(
            CustomerReward(
                customer=customer,
                kind=rng.choice([RewardKind.REBATE, RewardKind.GIFT, RewardKind.DISCOUNT]),
                date=_workday(rng, start, today - timedelta(days=1)),
                amount=Decimal(rng.choice([2000, 5000, 10000, 20000])),
                reason="年度忠诚客户回馈",
            )
        )
    for customer in referred:
        if customer.referred_by_id:
            rewards.append(
                CustomerReward(
                    customer_id=customer.referred_by_id,
                    kind=RewardKind.REFERRAL,
                    date=start + timedelta(days=30),
                    amount=Decimal("3000.00"),
                    reason=f"推荐新客户{customer.name}",
                    referral=customer,
                )
            )
    CustomerReward.objects.bulk_create(rewards)
