"""A database made before the split of `customers` migrates forward with every row.

Before the split, products, the pipeline, orders, payments and imports (now `sales`) and visits,
expense claims and intelligence notes (now `fieldwork`) were models of `customers`. The test
migrates back to that state (customers 0005, no sales or fieldwork app), writes rows into the old
tables through the historical models of that state, migrates forward and reads them through the
new models: every table keeps its row count and every column it had, values and content types
(with their permissions) are kept.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.tests.factories import CustomerFactory
from fieldwork.models import ExpenseClaim, IntelNote, Visit
from sales.models import CreditShare, Order, OrderLine, Payment, PipelineStage, Product
from staff.tests.factories import PersonFactory

NOON = datetime(2026, 3, 1, 4, tzinfo=UTC)
BEFORE = [
    ("customers", "0005_order_distributor_opportunity_lost_to_competitor"),
    ("training", "0003_new_customers_rule"),
    ("sales", None),
    ("fieldwork", None),
]
MOVED = {
    "sales": [Product, Order, OrderLine, CreditShare, Payment, PipelineStage],
    "fieldwork": [Visit, ExpenseClaim, IntelNote],
}
TABLES = sorted(
    [model._meta.db_table for models in MOVED.values() for model in models]
    + ["customers_historicalorder", "customers_historicalvisit", "customers_visit_stakeholders"]
)


def _schema() -> dict[str, tuple[int, list[str]]]:
    """Each table's row count and column names, read from the database itself."""
    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
            count = cursor.fetchone()[0]
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            out[table] = (count, sorted(columns))
    return out


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _write_old_rows(apps, rep, customer) -> dict[str, int]:
    """What the code before the split wrote: an order with a line, a share and a payment, a visit
    with its history row, an expense claim and an intelligence note, all as `customers.*`."""
    old = {name: apps.get_model("customers", name) for name in ("Product", "Order", "Visit", "IntelNote")}
    product = old["Product"].objects.create(
        code="P-OLD", name="Old pump", product_line="Pumps", list_price=Decimal("100.00"), unit_cost=Decimal("60.00")
    )
    order = old["Order"].objects.create(
        number="SO-OLD-1", customer_id=customer.pk, date=date(2026, 3, 2), status="confirmed",
        total_amount=Decimal("200.00"), created_by_id=rep.pk,
    )  # fmt: skip
    apps.get_model("customers", "OrderLine").objects.create(
        order=order, product=product, quantity=Decimal("2.00"), unit_price=Decimal("100.00"),
        unit_cost=Decimal("60.00"), amount=Decimal("200.00"), cost=Decimal("120.00"),
    )  # fmt: skip
    apps.get_model("customers", "CreditShare").objects.create(
        order=order, rep_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id, percent=Decimal("100.00"),
        amount=Decimal("200.00"), margin=Decimal("80.00"),
    )  # fmt: skip
    apps.get_model("customers", "Payment").objects.create(
        order=order, date=date(2026, 3, 20), amount=Decimal("150.00"), reference="OLD-PAY-1"
    )
    visit = old["Visit"].objects.create(
        customer_id=customer.pk, author_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id,
        date=date(2026, 3, 1), kind="visit", purpose="old visit",
    )  # fmt: skip
    apps.get_model("customers", "HistoricalVisit").objects.create(
        id=visit.pk, customer_id=customer.pk, author_id=rep.pk, date=visit.date, kind="visit",
        purpose="old visit", created_at=NOON, updated_at=NOON, history_date=NOON, history_type="+",
    )  # fmt: skip
    apps.get_model("customers", "ExpenseClaim").objects.create(
        person_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id, date=date(2026, 3, 1), kind="travel",
        amount=Decimal("88.50"), description="taxi", customer_id=customer.pk, visit=visit,
    )  # fmt: skip
    old["IntelNote"].objects.create(
        customer_id=customer.pk, visit=visit, author_id=rep.pk, date=date(2026, 3, 1), note="rival cut prices"
    )
    content_type = apps.get_model("contenttypes", "ContentType")
    order_type, _ = content_type.objects.get_or_create(app_label="customers", model="order")
    visit_type, _ = content_type.objects.get_or_create(app_label="customers", model="visit")
    # One made for the new label by a `migrate` run in between: replaced by the old one.
    content_type.objects.get_or_create(app_label="sales", model="order")
    permission = apps.get_model("auth", "Permission").objects.create(
        name="Can export order", codename="export_order", content_type=order_type
    )
    return {"order": order.pk, "visit": visit.pk, "order_type": order_type.pk, "visit_type": visit_type.pk,
            "permission": permission.pk}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_every_row():
    rep = PersonFactory()
    customer = CustomerFactory(owner=rep)
    try:
        _migrate(BEFORE)
        loader = MigrationExecutor(connection).loader
        latest = [node for node in loader.graph.leaf_nodes() if node[0] in ("auth", "contenttypes")]
        old_apps = loader.project_state([BEFORE[0], *latest]).apps
        ids = _write_old_rows(old_apps, rep, customer)
        before = _schema()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    # Given one row written per table by the old code (the stakeholders link: none)
    none_written = {"customers_visit_stakeholders", "customers_historicalorder"}
    assert {table: count for table, (count, _columns) in before.items()} == {
        table: 0 if table in none_written else 1 for table in TABLES
    } | {"customers_pipelinestage": before["customers_pipelinestage"][0]}  # the default stages
    # then every table keeps its rows and its columns (later migrations may add columns: visit
    # evidence, check-out and confirmation came after the split).
    after = _schema()
    assert {table: count for table, (count, _columns) in after.items()} == {
        table: count for table, (count, _columns) in before.items()
    }
    assert {table: sorted(set(columns) - set(after[table][1])) for table, (_count, columns) in before.items()} == {
        table: [] for table in TABLES
    }
    # and the new models read them.
    order = Order.objects.get(pk=ids["order"])
    assert (order.number, order.total_amount, order.customer_id) == ("SO-OLD-1", Decimal("200.00"), customer.pk)
    assert [(line.amount, line.cost) for line in order.lines.all()] == [(Decimal("200.00"), Decimal("120.00"))]
    assert [(s.rep_id, s.amount) for s in order.shares.all()] == [(rep.pk, Decimal("200.00"))]
    assert [p.reference for p in Payment.objects.filter(order=order)] == ["OLD-PAY-1"]
    visit = Visit.objects.get(pk=ids["visit"])
    assert [h.purpose for h in visit.history.all()] == ["old visit"]
    assert ExpenseClaim.objects.get(visit=visit).amount == Decimal("88.50")
    assert IntelNote.objects.get(visit=visit).note == "rival cut prices"
    # The content types moved with their models (same ids), and the permission with them.
    assert ContentType.objects.get_for_model(Order).pk == ids["order_type"]
    assert ContentType.objects.get_for_model(Visit).pk == ids["visit_type"]
    assert Permission.objects.get(pk=ids["permission"]).content_type.app_label == "sales"
    assert not ContentType.objects.filter(app_label="customers", model__in=["order", "visit"]).exists()
