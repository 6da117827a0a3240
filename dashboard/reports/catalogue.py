"""The reports: visits, orders, payments, instalments, receivables ageing, pipeline by stage,
expenses, channels, distributors, win/loss. Each reads through the data-scope rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Classification, Customer, CustomerKind, CustomerStatus
from dashboard.reports.base import Col, Filters, Report, ratio
from fieldwork.models import ExpenseClaim, ExpenseKind, ExpenseStatus, Visit, VisitKind
from sales.models import (
    Channel,
    CreditShare,
    Instalment,
    InstalmentStatus,
    Opportunity,
    Order,
    OrderStatus,
    Payment,
    PipelineStage,
)
from salesorg.exports import Kind
from staff.scope import viewer_for

MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def scoped_orders(user: Any) -> QuerySet[Order]:
    """The orders a user may see, without the DISTINCT over wide rows the scope join would need:
    a semi-join on the ids (an aggregate over it counts each order once)."""
    if viewer_for(user).sees_all:
        return Order.objects.all()
    return Order.objects.filter(pk__in=Order.objects.visible_to(user).values("pk"))


def _primary(field: str, ref: str = "pk") -> Subquery:
    """The order's largest credit share (the primary one first): its rep, team or region name."""
    share = CreditShare.objects.filter(order_id=OuterRef(ref)).order_by("-is_primary", "-percent", "id")
    return Subquery(share.values(field)[:1])


class VisitsReport(Report):
    key = "visits"
    title = _("Visits")
    description = _("Visit reports dated in the period, credited to the rep who filed them.")
    rep_field, team_field, region_field = "author", "team", "region"
    columns = (
        Col("visit_date", _("Date"), Kind.DATE),
        Col("rep_name", _("Rep")),
        Col("team_name", _("Team")),
        Col("region_name", _("Region")),
        Col("customer_name", _("Customer")),
        Col("visit_kind", _("Kind"), labels=VisitKind.choices),
        Col("visit_purpose", _("Purpose")),
        Col("minutes", _("Duration (minutes)"), Kind.COUNT),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        return (
            self.filtered(Visit.objects.visible_to(user), f)
            .order_by("-date", "-id")
            .values(
                visit_date=F("date"),
                rep_name=F("author__name"),
                team_name=F("team__name"),
                region_name=F("region__name"),
                customer_name=F("customer__name"),
                visit_kind=F("kind"),
                visit_purpose=F("purpose"),
                minutes=F("duration_minutes"),
            )
        )


class OrdersReport(Report):
    key = "orders"
    title = _("Orders")
    description = _(
        "Orders dated in the period, one row each; a region, team or rep filter keeps the orders "
        "with a credit share recorded on it. Rep, team and region are those of the largest share."
    )
    order_ref = "pk"
    columns = (
        Col("order_number", _("Order number")),
        Col("order_date", _("Order date"), Kind.DATE),
        Col("customer_name", _("Customer")),
        Col("order_status", _("Status"), labels=OrderStatus.choices),
        Col("order_channel", _("Channel"), labels=Channel.choices),
        Col("distributor_name", _("Distributor")),
        Col("rep_name", _("Rep")),
        Col("team_name", _("Team")),
        Col("region_name", _("Region")),
        Col("amount", _("Amount"), Kind.MONEY),
        Col("cost", _("Cost"), Kind.MONEY),
        Col("margin", _("Margin"), Kind.MONEY),
        Col("margin_rate", _("Margin rate"), Kind.RATIO),
        Col("paid", _("Paid"), Kind.MONEY),
        Col("open_amount", _("Open"), Kind.MONEY),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        return (
            self.filtered(scoped_orders(user), f)
            .with_paid()
            .order_by("-date", "-id")
            .values(
                order_number=F("number"),
                order_date=F("date"),
                customer_name=F("customer__name"),
                order_status=F("status"),
                order_channel=F("channel"),
                distributor_name=F("distributor__name"),
                rep_name=_primary("rep__name"),
                team_name=_primary("team__name"),
                region_name=_primary("region__name"),
                amount=F("total_amount"),
                cost=F("total_cost"),
                margin=ExpressionWrapper(F("total_amount") - F("total_cost"), output_field=MONEY),
                paid=F("paid_amount"),
            )
        )

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        row["margin_rate"] = ratio(row["margin"], row["amount"])
        row["open_amount"] = row["amount"] - row["paid"]
        return row


class PaymentsReport(Report):
    key = "payments"
    title = _("Payments")
    description = _("Payments dated in the period; a region, team or rep filter keeps the orders credited to it.")
    order_ref = "order_id"
    columns = (
        Col("payment_date", _("Date"), Kind.DATE),
        Col("order_number", _("Order number")),
        Col("customer_name", _("Customer")),
        Col("payment_reference", _("Reference")),
        Col("rep_name", _("Rep")),
        Col("team_name", _("Team")),
        Col("region_name", _("Region")),
        Col("payment_amount", _("Amount"), Kind.MONEY),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        qs = Payment.objects.all() if viewer_for(user).sees_all else Payment.objects.visible_to(user)
        return (
            self.filtered(qs, f)
            .order_by("-date", "-id")
            .values(
                payment_date=F("date"),
                order_number=F("order__number"),
                customer_name=F("order__customer__name"),
                payment_reference=F("reference"),
                rep_name=_primary("rep__name", "order_id"),
                team_name=_primary("team__name", "order_id"),
                region_name=_primary("region__name", "order_id"),
                payment_amount=F("amount"),
            )
        )


class InstalmentsReport(Report):
    key = "instalments"
    title = _("Instalments")
    description = _(
        "Instalments falling due in the period; days overdue are counted to the end of the period (or today)."
    )
    order_ref = "order_id"
    date_field = "due_date"
    columns = (
        Col("instalment_due", _("Due date"), Kind.DATE),
        Col("order_number", _("Order number")),
        Col("customer_name", _("Customer")),
        Col("rep_name", _("Rep")),
        Col("instalment_amount", _("Amount"), Kind.MONEY),
        Col("instalment_paid", _("Paid"), Kind.MONEY),
        Col("open_amount", _("Open"), Kind.MONEY),
        Col("instalment_status", _("Status"), labels=InstalmentStatus.choices),
        Col("days_overdue", _("Days overdue"), Kind.COUNT),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        qs = Instalment.objects.all() if viewer_for(user).sees_all else Instalment.objects.visible_to(user)
        return (
            self.filtered(qs.filter(order__status=OrderStatus.CONFIRMED), f)
            .order_by("due_date", "id")
            .values(
                instalment_due=F("due_date"),
                order_number=F("order__number"),
                customer_name=F("order__customer__name"),
                rep_name=_primary("rep__name", "order_id"),
                instalment_amount=F("amount"),
                instalment_paid=F("paid_amount"),
                instalment_status=F("status"),
            )
        )

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        row["open_amount"] = row["instalment_amount"] - row["instalment_paid"]
        late = (f.as_of - row["instalment_due"]).days
        row["days_overdue"] = late if row["open_amount"] > 0 and late > 0 else 0
        return row


BUCKETS = (
    ("not_due", _("Not due")),
    ("days_0_30", _("0-30 days")),
    ("days_31_60", _("31-60 days")),
    ("days_61_90", _("61-90 days")),
    ("days_over_90", _("Over 90 days")),
)


class ReceivablesReport(Report):
    key = "receivables"
    title = _("Receivables ageing")
    description = _(
        "Open instalments of confirmed orders per customer, aged as of the end of the period (or today) "
        "by days overdue; the start of the period keeps the instalments falling due from that day."
    )
    order_ref = "order_id"
    date_field = "due_date"
    columns = (
        Col("customer_name", _("Customer")),
        Col("balance", _("Open balance"), Kind.MONEY),
        *(Col(key, label, Kind.MONEY) for key, label in BUCKETS),
    )

    def filtered(self, qs: QuerySet, f: Filters) -> QuerySet:
        # The end of the period is the as-of day, not a bound on the due date.
        return super().filtered(qs, Filters(date_from=f.date_from, region=f.region, team=f.team, rep=f.rep))

    def rows(self, user: Any, f: Filters) -> QuerySet:
        qs = Instalment.objects.all() if viewer_for(user).sees_all else Instalment.objects.visible_to(user)
        qs = self.filtered(qs.filter(order__status=OrderStatus.CONFIRMED, paid_amount__lt=F("amount")), f)
        open_amount = ExpressionWrapper(F("amount") - F("paid_amount"), output_field=MONEY)
        as_of = f.as_of

        def bucket(**when: Any) -> Sum:
            return Sum(Case(When(Q(**when), then=open_amount), default=ZERO, output_field=MONEY))

        return (
            qs.values("order__customer_id")
            .annotate(
                customer_name=F("order__customer__name"),
                balance=Sum(open_amount),
                not_due=bucket(due_date__gt=as_of),
                days_0_30=bucket(due_date__lte=as_of, due_date__gte=as_of - timedelta(days=30)),
                days_31_60=bucket(due_date__lt=as_of - timedelta(days=30), due_date__gte=as_of - timedelta(days=60)),
                days_61_90=bucket(due_date__lt=as_of - timedelta(days=60), due_date__gte=as_of - timedelta(days=90)),
                days_over_90=bucket(due_date__lt=as_of - timedelta(days=90)),
            )
            .order_by("-balance", "customer_name")
        )


class PipelineReport(Report):
    key = "pipeline"
    title = _("Pipeline by stage")
    description = _("Opportunities expected to close in the period, per stage: count, amount and weighted amount.")
    date_field = "expected_close_date"
    rep_field, team_field, region_field = "owner", "team", "region"
    columns = (
        Col("stage_name", _("Stage")),
        Col("probability", _("Probability"), Kind.RATIO),
        Col("deals", _("Opportunities"), Kind.COUNT),
        Col("expected", _("Expected amount"), Kind.MONEY),
        Col("weighted", _("Weighted amount"), Kind.MONEY),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        weighted = ExpressionWrapper(F("expected_amount") * F("stage__probability") / Value(Decimal(100)), MONEY)
        return (
            self.filtered(Opportunity.objects.visible_to(user), f)
            .values("stage_id")
            .annotate(
                stage_name=F("stage__name"),
                stage_order=F("stage__order"),
                stage_probability=F("stage__probability"),
                deals=Count("pk"),
                expected=Sum("expected_amount"),
                weighted=Sum(weighted),
            )
            .order_by("stage_order", "stage_id")
        )

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        row["stage_name"] = str(PipelineStage(name=row["stage_name"]))  # a default stage, translated
        row["probability"] = Decimal(row["stage_probability"]) / 100
        row["weighted"] = Decimal(row["weighted"]).quantize(Decimal("0.01"))
        return row


class ExpensesReport(Report):
    key = "expenses"
    title = _("Expenses")
    description = _("Sales expense claims dated in the period, in every status.")
    rep_field, team_field, region_field = "person", "team", "region"
    columns = (
        Col("claim_date", _("Date"), Kind.DATE),
        Col("rep_name", _("Rep")),
        Col("team_name", _("Team")),
        Col("region_name", _("Region")),
        Col("claim_kind", _("Kind"), labels=ExpenseKind.choices),
        Col("claim_status", _("Status"), labels=ExpenseStatus.choices),
        Col("customer_name", _("Customer")),
        Col("claim_description", _("Description")),
        Col("claim_amount", _("Amount"), Kind.MONEY),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        return (
            self.filtered(ExpenseClaim.objects.visible_to(user), f)
            .order_by("-date", "-id")
            .values(
                claim_date=F("date"),
                rep_name=F("person__name"),
                team_name=F("team__name"),
                region_name=F("region__name"),
                claim_kind=F("kind"),
                claim_status=F("status"),
                customer_name=F("customer__name"),
                claim_description=F("description"),
                claim_amount=F("amount"),
            )
        )


TARGET_CLASSES = (Classification.KEY, Classification.GENERAL)


def _confirmed(user: Any, report: Report, f: Filters) -> QuerySet[Order]:
    """Confirmed orders in the period and filters, each marked `repeat` when the same customer has
    another such order in the same channel (a repeat buyer)."""
    orders = report.filtered(scoped_orders(user).filter(status=OrderStatus.CONFIRMED), f)
    other = orders.filter(customer_id=OuterRef("customer_id"), channel=OuterRef("channel")).exclude(pk=OuterRef("pk"))
    return orders.annotate(repeat=Exists(other))


def _channel_measures() -> dict[str, Any]:
    target = Q(
        customer__kind=CustomerKind.END_CUSTOMER,
        customer__classification__in=TARGET_CLASSES,
        customer__status=CustomerStatus.ACTIVE,
    )
    return {
        "sales": Sum("total_amount"),
        "cost": Sum("total_cost"),
        "orders": Count("pk"),
        "customers": Count("customer_id", distinct=True),
        "repeat_customers": Count("customer_id", distinct=True, filter=Q(repeat=True)),
        "target_customers_served": Count("customer_id", distinct=True, filter=target),
    }


def _finish_channel(row: dict[str, Any]) -> dict[str, Any]:
    row["margin"] = row["sales"] - row["cost"]
    row["margin_rate"] = ratio(row["margin"], row["sales"])
    row["repeat_rate"] = ratio(row["repeat_customers"], row["customers"])
    return row


CHANNEL_COLUMNS = (
    Col("sales", pgettext_lazy("amount", "Sales"), Kind.MONEY),
    Col("cost", _("Cost"), Kind.MONEY),
    Col("margin", _("Margin"), Kind.MONEY),
    Col("margin_rate", _("Margin rate"), Kind.RATIO),
    Col("orders", _("Orders"), Kind.COUNT),
    Col("customers", _("Customers"), Kind.COUNT),
    Col("repeat_rate", _("Repeat-buy rate"), Kind.RATIO),
)


class ChannelsReport(Report):
    key = "channels"
    title = _("Channels")
    description = _(
        "Confirmed orders in the period per channel. Margin = order amount - order cost (the product "
        "costs on the lines); expenses are not recorded per channel, so profitability is the gross margin. "
        "Repeat-buy rate: customers with two or more orders in the channel / its customers. Coverage: "
        "target customers (active end customers classified key or general, in scope and filters) "
        "with an order in the channel / all target customers."
    )
    order_ref = "pk"
    columns = (
        Col("channel", _("Channel"), labels=Channel.choices),
        *CHANNEL_COLUMNS,
        Col("target_customers_served", _("Target customers served"), Kind.COUNT),
        Col("coverage", _("Coverage of target customers"), Kind.RATIO),
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        return _confirmed(user, self, f).values("channel").annotate(**_channel_measures()).order_by("-sales", "channel")

    def context(self, user: Any, f: Filters) -> dict[str, Any]:
        targets = Customer.objects.visible_to(user).filter(
            kind=CustomerKind.END_CUSTOMER, classification__in=TARGET_CLASSES, status=CustomerStatus.ACTIVE
        )
        for name, lookup in (("region", "region"), ("team", "team"), ("rep", "owner")):
            if getattr(f, name) is not None:
                targets = targets.filter(**{lookup: getattr(f, name)})
        return {"target_customers": targets.count()}

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        row["coverage"] = ratio(row["target_customers_served"], ctx["target_customers"])
        return _finish_channel(row)


class DistributorsReport(Report):
    key = "distributors"
    title = _("Distributors and agents")
    description = _(
        "Confirmed orders in the period through a distributor or agent, per partner: the order's "
        "distributor, or its customer when the customer is itself the distributor or agent."
    )
    order_ref = "pk"
    columns = (
        Col("partner_name", _("Distributor")),
        Col("channel", _("Channel"), labels=Channel.choices),
        *CHANNEL_COLUMNS,
    )

    def rows(self, user: Any, f: Filters) -> QuerySet:
        return (
            _confirmed(user, self, f)
            .exclude(channel=Channel.DIRECT)
            .values(partner_id=Coalesce("distributor_id", "customer_id"), channel_code=F("channel"))
            .annotate(
                partner_name=Coalesce("distributor__name", "customer__name"),
                **_channel_measures(),
            )
            .order_by("-sales", "partner_name")
        )

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        row["channel"] = row["channel_code"]
        return _finish_channel(row)


OUTCOMES = (("won", pgettext_lazy("deal", "Won")), ("lost", pgettext_lazy("deal", "Lost")))


class WinLossReport(Report):
    key = "win-loss"
    title = _("Win/loss by competitor and reason")
    description = _(
        "Opportunities closed in the period, won or lost, by the competitor that won a lost deal and "
        "the reason given. A won deal records no competitor."
    )
    date_field = "closed_on"
    rep_field, team_field, region_field = "owner", "team", "region"
    columns = (
        Col("outcome", _("Outcome"), labels=OUTCOMES),
        Col("competitor_name", _("Competitor")),
        Col("reason", _("Reason")),
        Col("deals", _("Opportunities"), Kind.COUNT),
        Col("amount", _("Amount"), Kind.MONEY),
        Col("share", _("Share of closed deals"), Kind.RATIO),
    )

    def _closed(self, user: Any, f: Filters) -> QuerySet:
        closed = Opportunity.objects.visible_to(user).filter(Q(stage__is_won=True) | Q(stage__is_lost=True))
        return self.filtered(closed, f)

    def rows(self, user: Any, f: Filters) -> QuerySet:
        outcome = Case(When(stage__is_won=True, then=Value("won")), default=Value("lost"), output_field=CharField())
        return (
            self._closed(user, f)
            .values(outcome=outcome, competitor_name=F("lost_to__name"), reason=F("lost_reason"))
            .annotate(deals=Count("pk"), amount=Sum("expected_amount"))
            .order_by("-outcome", "-deals", "competitor_name", "reason")
        )

    def context(self, user: Any, f: Filters) -> dict[str, Any]:
        return {"closed": self._closed(user, f).count()}

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        row["share"] = ratio(row["deals"], ctx["closed"])
        return row


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        VisitsReport(),
        OrdersReport(),
        PaymentsReport(),
        InstalmentsReport(),
        ReceivablesReport(),
        PipelineReport(),
        ExpensesReport(),
        ChannelsReport(),
        DistributorsReport(),
        WinLossReport(),
    )
}
