"""Demo data for sales: products, a year of orders (split, cancelled, pending), payment plans with
overdue instalments, payments, opportunities in every pipeline stage, and quotations of some open
opportunities. Bulk writes only."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from customers.models import Customer
from sales.domain import allocate_paid, line_amounts
from sales.models import (
    ApprovalLevel,
    Channel,
    CreditShare,
    Instalment,
    Opportunity,
    OpportunityStageChange,
    Order,
    OrderApprovalStep,
    OrderLine,
    OrderStatus,
    Payment,
    PipelineStage,
    Product,
    Quotation,
    QuotationLine,
    QuotationSequence,
    QuotationStatus,
)
from sales.services.orders import new_credit_shares, new_order_line
from salesorg.money import to_money
from staff.attribution import units_on

PRODUCTS = [
    ("工业传感器", ["温度传感器", "压力传感器", "流量计", "液位计"], (800, 5000)),
    ("控制系统", ["PLC 控制器", "变频器", "人机界面", "伺服驱动"], (3000, 30000)),
    ("服务", ["安装调试", "年度维保", "培训服务"], (2000, 20000)),
]
LOST_REASONS = ["价格偏高", "交期太长", "竞争对手关系更深", "项目取消"]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _products(rng: random.Random) -> list[Product]:
    if Product.objects.exists():
        return list(Product.objects.all())
    rows = []
    n = 1
    for line, names, (low, high) in PRODUCTS:
        for name in names:
            price = Decimal(rng.randrange(low, high, 100))
            rows.append(
                Product(
                    code=f"P{n:04d}",
                    name=name,
                    product_line=line,
                    list_price=price,
                    unit_cost=to_money(price * Decimal(rng.uniform(0.45, 0.7))),
                )
            )
            n += 1
    return Product.objects.bulk_create(rows)


def _customers(org: Any, rng: random.Random) -> list[Customer]:
    customers = list(Customer.objects.filter(owner__isnull=False).select_related("owner"))
    if customers:
        return customers
    rows = [
        Customer(
            code=f"DS{i:04d}",
            name=f"演示客户{i}有限公司",
            owner=rep,
            team_id=rep.team_id,
            region_id=rep.region_id,
        )
        for i, rep in enumerate(org.reps or [], start=1)
    ]
    Customer.objects.bulk_create(rows)
    return list(Customer.objects.filter(owner__isnull=False).select_related("owner"))


@transaction.atomic
def seed(*, org: Any, rng: random.Random, today: date) -> None:
    products = _products(rng)
    customers = _customers(org, rng)
    if not customers:
        return
    drafts = _draw_orders(org, customers, products, rng, today)
    orders = _save_orders([order for order, _lines, _shares in drafts])
    line_rows, share_rows, instalment_rows, payment_rows = [], [], [], []
    units = units_on(
        (rep.pk, order.date) for order, (_u, _l, shares) in zip(orders, drafts, strict=True) for rep, _p in shares
    )
    for order, (_unsaved, lines, shares) in zip(orders, drafts, strict=True):
        line_rows += [
            new_order_line(order, product, quantity, price, product.unit_cost) for product, quantity, price in lines
        ]
        share_rows += new_credit_shares(order, shares, units)
        if order.status == OrderStatus.CANCELLED or order.total_amount <= 0:
            continue
        instalments, payment = _collection(order, rng, today)
        instalment_rows += instalments
        if payment is not None:
            payment_rows.append(payment)
    OrderLine.objects.bulk_create(line_rows, batch_size=2000)
    CreditShare.objects.bulk_create(share_rows, batch_size=2000)
    Instalment.objects.bulk_create(instalment_rows, batch_size=2000)
    bulk_create_with_history(payment_rows, Payment, batch_size=2000)
    _waiting_steps(orders)
    _opportunities(customers, rng, today)
    _quotations(today)


def _waiting_steps(orders: list[Order]) -> None:
    """Each pending order waits for its team manager since its date (the escalation task moves
    the ones that waited too long up a level on its first run)."""
    steps = [
        OrderApprovalStep(
            order=order,
            sequence=1,
            level=ApprovalLevel.TEAM_MANAGER,
            planned_level=ApprovalLevel.TEAM_MANAGER,
            why=order.approval_reason,
            waiting_since=_aware(order.date),
        )
        for order in orders
        if order.status == OrderStatus.PENDING
    ]
    bulk_create_with_history(steps, OrderApprovalStep, batch_size=1000)


Lines = list[tuple[Product, Decimal, Decimal]]
Shares = list[tuple[Any, Decimal]]


def _draw_orders(
    org: Any, customers: list[Customer], products: list[Product], rng: random.Random, today: date
) -> list[tuple[Order, Lines, Shares]]:
    """A year of orders per customer (unsaved), each with its lines and credit shares."""
    reps_by_team: dict[int | None, list[Any]] = {}
    for rep in org.reps:
        reps_by_team.setdefault(rep.team_id, []).append(rep)
    distributors = [c for c in customers if c.kind in ("distributor", "agent")]
    start = today - timedelta(days=365)
    drafts = []
    for customer in customers:
        colleagues = [r for r in reps_by_team.get(customer.owner.team_id, []) if r.pk != customer.owner.pk]
        for _ in range(rng.randint(2, 8)):
            drafts.append(_draw_order(customer, products, colleagues, distributors, rng, start, len(drafts) + 1))
    return drafts


def _draw_order(
    customer: Customer,
    products: list[Product],
    colleagues: list[Any],
    distributors: list[Customer],
    rng: random.Random,
    start: date,
    number: int,
) -> tuple[Order, Lines, Shares]:
    on = start + timedelta(days=rng.randint(0, 364))
    lines = []
    for product in rng.sample(products, rng.randint(1, 3)):
        discount = Decimal(rng.choice([0, 0, 5, 10, 12, 20])) / 100
        lines.append((product, Decimal(rng.randint(1, 20)), to_money(product.list_price * (1 - discount))))
    shares = [(customer.owner, Decimal(100))]
    if colleagues and rng.random() < 0.15:  # a split order
        shares = [(customer.owner, Decimal(60)), (rng.choice(colleagues), Decimal(40))]
    roll = rng.random()
    status = (
        OrderStatus.CANCELLED
        if roll < 0.05
        else OrderStatus.PENDING
        if roll < 0.08
        else OrderStatus.DRAFT
        if roll < 0.10
        else OrderStatus.CONFIRMED
    )
    channel = {"distributor": Channel.DISTRIBUTOR, "agent": Channel.AGENT}.get(customer.kind, Channel.DIRECT)
    distributor = None
    if channel == Channel.DIRECT and distributors and rng.random() < 0.2:
        distributor = rng.choice(distributors)
        channel = Channel.DISTRIBUTOR if distributor.kind == "distributor" else Channel.AGENT
    amounts = [line_amounts(quantity, price, product.unit_cost) for product, quantity, price in lines]
    order = Order(
        number=f"SO{on:%Y%m}-D{number:05d}",
        customer=customer,
        distributor=distributor,
        date=on,
        status=status,
        channel=channel,
        payment_terms_days=rng.choice([30, 30, 45, 60, 90]),
        total_amount=sum((amount for amount, _cost in amounts), Decimal(0)),
        total_cost=sum((cost for _amount, cost in amounts), Decimal(0)),
        cancel_reason="客户取消采购计划" if status == OrderStatus.CANCELLED else "",
        approval_reason="折扣超过限额" if status == OrderStatus.PENDING else "",
    )
    return order, lines, shares


def _save_orders(orders: list[Order]) -> list[Order]:
    orders = bulk_create_with_history(orders, Order, batch_size=1000)
    if any(o.pk is None for o in orders):
        by_number = {o.number: o for o in Order.objects.filter(number__startswith="SO").only("pk", "number")}
        for o in orders:
            o.pk = by_number[o.number].pk
    return orders


def _collection(order: Order, rng: random.Random, today: date) -> tuple[list[Instalment], Payment | None]:
    """An order's instalments and what was paid on it: large orders pay in two instalments, the
    rest in one at order date + terms; most customers pay on time, some partly, some not at all."""
    due = order.date + timedelta(days=order.payment_terms_days)
    if order.total_amount > 50000:
        first = to_money(order.total_amount * Decimal("0.3"))
        parts = [(order.date + timedelta(days=15), first), (due, order.total_amount - first)]
    else:
        parts = [(due, order.total_amount)]
    paid_total = Decimal(0)
    if order.status == OrderStatus.CONFIRMED:
        roll = rng.random()
        if due < today and roll < 0.85:
            paid_total = order.total_amount
        elif roll < 0.93:
            paid_total = to_money(order.total_amount * Decimal(rng.uniform(0.2, 0.8)))
    instalments = [Instalment(order=order, due_date=due_date, amount=amount) for due_date, amount in parts]
    allocate_paid(instalments, paid_total, today)
    if paid_total <= 0:
        return instalments, None
    pay_day = min(today, order.date + timedelta(days=rng.randint(10, order.payment_terms_days + 20)))
    return instalments, Payment(
        order=order, customer_id=order.customer_id, date=pay_day, amount=paid_total, reference=f"RC{order.pk:06d}"
    )


def _opportunities(customers: list[Customer], rng: random.Random, today: date) -> None:
    stages = list(PipelineStage.objects.filter(is_active=True).order_by("order"))
    if not stages:
        return
    open_stages = [s for s in stages if not s.is_closed]
    won = next((s for s in stages if s.is_won), None)
    lost = next((s for s in stages if s.is_lost), None)
    rows, paths = [], []
    for customer in rng.sample(customers, min(len(customers), max(1, len(customers) // 2))):
        for _ in range(rng.randint(1, 3)):
            opened = today - timedelta(days=rng.randint(10, 300))
            # How far it went: an open stage, won, or lost after some stages.
            target = rng.choice([*open_stages, won, lost, won, lost] if won and lost else open_stages)
            path = (
                open_stages[: max(1, rng.randint(1, len(open_stages)))]
                if target.is_closed
                else [s for s in open_stages if s.order <= target.order]
            )
            if target.is_closed:
                path = [*path, target]
            day = opened
            visits = []
            for stage in path:
                visits.append((stage, day))
                day = min(today, day + timedelta(days=rng.randint(3, 30)))
            last_stage, last_day = visits[-1]
            rows.append(
                Opportunity(
                    name=f"{customer.name} · {rng.choice(['扩产', '设备更新', '新厂建设', '年度采购'])}项目",
                    customer=customer,
                    owner=customer.owner,
                    team_id=customer.owner.team_id,
                    region_id=customer.owner.region_id,
                    stage=last_stage,
                    expected_amount=Decimal(rng.randrange(10000, 500000, 1000)),
                    expected_close_date=today + timedelta(days=rng.randint(-30, 180)),
                    stage_entered_at=_aware(last_day),
                    closed_on=last_day if last_stage.is_closed else None,
                    lost_reason=rng.choice(LOST_REASONS) if last_stage.is_lost else "",
                )
            )
            paths.append(visits)
    opportunities = bulk_create_with_history(rows, Opportunity, batch_size=1000)
    history = []
    for opportunity, visits in zip(opportunities, paths, strict=True):
        for i, (stage, day) in enumerate(visits):
            left = visits[i + 1][1] if i + 1 < len(visits) else None
            history.append(
                OpportunityStageChange(
                    opportunity_id=opportunity.pk,
                    stage=stage,
                    entered_at=_aware(day),
                    left_at=_aware(left) if left else None,
                    days=(left - day).days if left else None,
                )
            )
    OpportunityStageChange.objects.bulk_create(history, batch_size=2000)


def _quotations(today: date) -> None:
    """Quotations of every third open opportunity (at most 30), made by its owner in the last
    weeks, discounted within the approval limit (so none waits for approval): drafts, approved,
    sent, accepted and declined ones. A random generator of their own, so the other apps' demo
    data (drawn from the shared one) stays what it was."""
    opportunities = list(
        Opportunity.objects.filter(stage__is_won=False, stage__is_lost=False).select_related("owner").order_by("id")
    )[::3][:30]
    products = list(Product.objects.filter(is_active=True).order_by("id"))
    if not opportunities or not products:
        return
    rng = random.Random(len(opportunities))
    statuses = [
        QuotationStatus.DRAFT,
        QuotationStatus.APPROVED,
        QuotationStatus.SENT,
        QuotationStatus.ACCEPTED,
        QuotationStatus.DECLINED,
    ]
    counters: dict[str, int] = {}
    quotations, drafts = [], []
    for opportunity in opportunities:
        day = today - timedelta(days=rng.randint(0, 20))
        period = f"{day:%Y-%m}"
        counters[period] = counters.get(period, 0) + 1
        lines = []
        for product in rng.sample(products, rng.randint(1, 2)):
            quantity = Decimal(rng.randint(1, 5))
            discount = Decimal(rng.choice([0, 5, 10]))
            unit_price = to_money(product.list_price * (Decimal(100) - discount) / Decimal(100))
            lines.append((product, quantity, discount, unit_price, to_money(quantity * unit_price)))
        quotations.append(
            Quotation(
                number=f"Q{day:%Y%m}-{counters[period]:04d}",
                customer_id=opportunity.customer_id,
                opportunity=opportunity,
                owner=opportunity.owner,
                team_id=opportunity.team_id,
                region_id=opportunity.region_id,
                created_by=opportunity.owner,
                date=day,
                valid_until=day + timedelta(days=30),
                status=rng.choice(statuses),
                total_amount=sum((line[4] for line in lines), Decimal("0.00")),
                notes=opportunity.name,
            )
        )
        drafts.append(lines)
    quotations = bulk_create_with_history(quotations, Quotation, batch_size=1000)
    bulk_create_with_history(
        [
            QuotationLine(
                quotation=quotation,
                product=product,
                quantity=quantity,
                list_price=product.list_price,
                discount_percent=discount,
                unit_price=unit_price,
                amount=amount,
            )
            for quotation, lines in zip(quotations, drafts, strict=True)
            for product, quantity, discount, unit_price, amount in lines
        ],
        QuotationLine,
        batch_size=2000,
    )
    QuotationSequence.objects.bulk_create([QuotationSequence(period=p, last=n) for p, n in counters.items()])
