"""Products, orders with lines and credit shares, payment plans and payments.

Every number the achievement engine computes comes from these rows (DESIGN.md, glossary):
- an order counts when confirmed; `OrderLine.amount`/`cost` are quantity x price/cost, to the cent;
- `CreditShare` splits an order between reps; each share records the rep's team and region at
  the order date, and carries its exact split of the order total (`amount`) and margin (`margin`):
  every share but the primary (the largest, first on a tie) is rounded down to the cent and the
  primary takes the rest. Services keep these stored splits in step with lines and shares.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesorg.paging import counted_by
from staff.scope import ScopedQuerySet, scope_q, unit_scope_q, viewer_for


class Product(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(_("product line"), max_length=100)
    list_price = models.DecimalField(_("list price"), max_digits=14, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "customers_product"
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0, unit_cost__gte=0), name="product_prices_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Direct")
    DISTRIBUTOR = "distributor", _("Distributor")
    AGENT = "agent", _("Agent")


class OrderQuerySet(ScopedQuerySet):
    # A rep sees the orders credited to them; units see the shares recorded on them.
    scope_fields = {"person": "shares__rep", "team": "shares__team", "region": "shares__region"}
    scope_distinct = True

    def visible_to(self, user: Any) -> ScopedQuerySet:
        """The scope rule, plus the orders the person filed: the filer follows their order through
        approval (a rejected order comes back to them as a draft), whoever it is credited to."""
        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        if viewer.sees_only_own:
            # A rep's few orders: their ids first (the rep's shares and the orders they filed),
            # then the orders by primary key. A per-row `EXISTS ... OR filer` would walk every
            # order of the list's index looking for the rep's (40 ms against 1 ms measured on the
            # 200,000-line benchmark data set, bench/README_lists.md).
            return self.filter(pk__in=visible_order_ids(viewer))
        # Wider scopes: a semi-join on the shares (`EXISTS`): each order once, without `SELECT
        # DISTINCT` over whole rows, so the list keeps the plan of its own order and index.
        scope, filed_outside = share_scope(viewer)
        seen = Exists(CreditShare.objects.filter(scope, order=OuterRef("pk")))
        if filed_outside:
            seen |= Q(created_by=viewer.person_id)
            return self.filter(seen)
        if self.query.where.children:
            return self.filter(seen)
        # The whole scope, unfiltered: counted from the shares' index (salesorg.paging.counted_by).
        return counted_by(self.filter(seen), CreditShare.objects.filter(scope).values("order_id").distinct())

    def with_paid(self, *, before: date | None = None) -> OrderQuerySet:
        """Each order with `paid_amount`: the sum of its counted payments (those dated before
        `before` when given), 0.00 when there are none. The one definition of what was paid on an order."""
        payments = Payment.objects.counted().filter(order=OuterRef("pk"))
        if before is not None:
            payments = payments.filter(date__lt=before)
        total = payments.order_by().values("order").annotate(total=Sum("amount")).values("total")
        money = models.DecimalField(max_digits=16, decimal_places=2)
        return self.annotate(
            paid_amount=Coalesce(Subquery(total, output_field=money), Value(Decimal("0.00")), output_field=money)
        )


def share_scope(viewer: Any) -> tuple[Q, bool]:
    """The credit shares a unit manager (or a manager of subordinates) sees, and whether they filed
    an order that no such share is credited to: one query (on the rep's and the filer's indexes: a
    manager holds and files few orders).

    The scope rule gives "their own shares or their unit's". A manager's own shares are recorded on
    their unit (their team at the order date), so unless one is not (they moved, or sold for
    another unit) the unit alone is the scope: `team_id = 1` is read from the (team, order) index
    alone, where `rep_id = 5 OR team_id = 1` reads every share's row (measured on the
    5,000,000-line data set: a team's page of orders 62 -> 11-16 ms; bench/README_lists.md).

    Only when they filed an order outside it does their scope need `... OR created_by = viewer`.
    The `OR` costs every wide list its plan: PostgreSQL cannot turn an `EXISTS` under an `OR` into
    a semi-join, so it hashes every share of the scope first (a region's 120,000) and tests each
    row against the hash. Without it, a page walks its index and probes each order's shares (a
    region's page of orders 62 ms with the `OR`, 8 ms without; its count 423 ms and 215 ms)."""
    from staff.models import Person

    scope = scope_q(viewer, person="rep", team="team", region="region")
    if viewer.person_id is None:
        return scope, False
    in_scope = CreditShare.objects.filter(scope, order=OuterRef("pk"))
    checks = {"filed_outside": Exists(Order.objects.filter(created_by=viewer.person_id).exclude(Exists(in_scope)))}
    unit = unit_scope_q(viewer, team="team", region="region")
    if unit is not None:
        checks["own_outside"] = Exists(CreditShare.objects.filter(rep=viewer.person_id).exclude(unit))
    found = Person.objects.filter(pk=viewer.person_id).values(**checks).first() or {}
    if unit is not None and found.get("own_outside") is False:
        scope = unit
    return scope, found.get("filed_outside", True)


def files_outside_scope(viewer: Any) -> bool:
    """Whether a unit viewer filed an order that no share in their scope is credited to."""
    return share_scope(viewer)[1]


def visible_order_ids(viewer: Any) -> models.QuerySet:
    """The ids of the orders a (scoped) viewer sees, as one sub-select: the orders credited in
    their scope, and those they filed. An `IN` on it is a semi-join PostgreSQL can start from the
    ids (a rep's or a team's few orders) instead of testing every row of a list against the scope."""
    shares = (
        CreditShare.objects.filter(scope_q(viewer, person="rep", team="team", region="region"))
        .order_by()
        .values("order_id")
    )
    if viewer.person_id is None:
        return shares
    return shares.union(Order.objects.filter(created_by=viewer.person_id).order_by().values("pk"))


class OrderSequence(models.Model):
    """The last order number given in a month. A new number comes from this counter, locked for
    update, never from the numbers on record: orders saved at once get distinct numbers."""

    period = models.CharField(_("month"), max_length=7, unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order number sequence")
        verbose_name_plural = _("order number sequences")

    def __str__(self) -> str:
        return f"{self.period}: {self.last}"


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=40, unique=True)
    # The ERP's order number: imports are idempotent on it.
    erp_no = models.CharField(_("ERP order number"), max_length=60, unique=True, null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    date = models.DateField(_("order date"))
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.DIRECT)
    # The distributor or agent an order to an end customer went through (channel sales).
    distributor = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distributed_orders",
        verbose_name=_("distributor"),
    )
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=30)
    # Totals of the lines, kept by the services.
    total_amount = models.DecimalField(_("total amount"), max_digits=16, decimal_places=2, default=0)
    total_cost = models.DecimalField(_("total cost"), max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    approved_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Why the order needs approval (the approval matrix's matched rules: amount, discount, credit),
    # filled when it is submitted.
    approval_reason = models.CharField(_("approval reason"), max_length=500, blank=True)
    # A rule of the matrix holds the order (e.g. the worst credit rating): shown as held while pending.
    approval_hold = models.BooleanField(_("held"), default=False)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(table_name="customers_historicalorder")

    objects = OrderQuerySet.as_manager()

    class Meta:
        db_table = "customers_order"
        ordering = ["-date", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        # The lists' default order has its own index, so a page reads its rows in that order.
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["-date", "-id"], name="order_list_order"),
            # A customer's first confirmed order (new customers), read order by order by the
            # incremental night (targets/services/engine) and by its change triggers.
            models.Index(
                fields=["customer", "date", "id"], condition=models.Q(status="confirmed"), name="order_first_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # What the authority rule needs about an order (read from the shares, prefetched or not).
    @property
    def credited_ids(self) -> list[int]:
        return [share.rep_id for share in self.shares.all()]

    @property
    def credit_units(self) -> list[tuple[int | None, int | None]]:
        """Every (team, region) the order's shares are recorded on."""
        return sorted({(share.team_id, share.region_id) for share in self.shares.all()}, key=str)

    @property
    def people_ids(self) -> list[int | None]:
        """The people an order belongs to: its credited reps and the one who filed it."""
        return [*self.credited_ids, self.created_by_id]


class OrderPartQuerySet(ScopedQuerySet):
    """Rows that belong to an order (lines, instalments, payments): seen exactly as their order is."""

    scope_fields = {"person": "order__shares__rep", "team": "order__shares__team", "region": "order__shares__region"}
    scope_distinct = True

    def visible_to(self, user: Any) -> ScopedQuerySet:
        """Whatever the order's scope is (its filer included). A rep's rows are found from the
        ids of the rep's few orders; a unit's by a semi-join per row on its order's shares, which
        a list walks in its own index order (measured on the 5,000,000-line data set: a rep's
        payments page 16 ms from the ids against 68 ms per row; a region's 261 ms per row against
        1,721 ms from its 100,000 order ids; bench/README_lists.md)."""
        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        if viewer.sees_only_own:
            return self.filter(order_id__in=visible_order_ids(viewer))
        scope, filed_outside = share_scope(viewer)
        seen = Exists(CreditShare.objects.filter(scope, order_id=OuterRef("order_id")))
        if filed_outside:
            seen |= Exists(Order.objects.filter(pk=OuterRef("order_id"), created_by=viewer.person_id))
            return self.filter(seen)
        if self.query.where.children:
            return self.filter(seen)
        # The whole scope, unfiltered: counted from the scope's orders in the order of the shares'
        # index, which stops at the count's cap (a team's payments: 58-61 ms per row against 22-30 ms
        # from the distinct order ids, on the 5,000,000-line data set; salesorg.paging.counted_by).
        orders = CreditShare.objects.filter(scope).values("order_id").distinct()
        return counted_by(self.filter(seen), self.order_by().filter(order_id__in=orders).values("pk"))


class OrderLineQuerySet(OrderPartQuerySet):
    pass


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=2)
    history = HistoricalRecords(table_name="customers_historicalorderline")

    objects = OrderLineQuerySet.as_manager()

    class Meta:
        db_table = "customers_orderline"
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, unit_price__gte=0, unit_cost__gte=0), name="order_line_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.product}"


class CreditShareQuerySet(ScopedQuerySet):
    # A share belongs to its rep and to the team and region recorded on it at the order date.
    scope_fields = {"person": "rep", "team": "team", "region": "region"}


class CreditShare(models.Model):
    # Looked up by order through the unique (order, rep) index; by rep, team or region through an
    # index of that column and the order (`Meta.indexes`): the scope's probe of an order's shares
    # ("is this order the team's?") and a unit's order ids are read from the index alone, never
    # from the table (a team's page of orders 62 -> 11-16 ms on the 5,000,000-line benchmark data
    # set, bench/README_lists.md). No second index on any of these columns.
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="shares", verbose_name=_("order"), db_index=False
    )
    rep = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="credit_shares", verbose_name=_("rep"), db_index=False
    )
    # The rep's team and region at the order date: a later transfer does not move the share.
    team = models.ForeignKey(
        "staff.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        db_index=False,
    )
    region = models.ForeignKey(
        "staff.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_index=False,
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    # The largest share (the first on a tie): it takes the rounding rest and counts the new customer.
    is_primary = models.BooleanField(_("primary"), default=False)
    amount = models.DecimalField(_("credited amount"), max_digits=16, decimal_places=2, default=0)
    margin = models.DecimalField(_("credited margin"), max_digits=16, decimal_places=2, default=0)
    history = HistoricalRecords(table_name="customers_historicalcreditshare")

    objects = CreditShareQuerySet.as_manager()

    class Meta:
        db_table = "customers_creditshare"
        verbose_name = _("credit share")
        verbose_name_plural = _("credit shares")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__gt=0, percent__lte=100), name="share_percent_range"),
            models.UniqueConstraint(fields=["order", "rep"], name="one_share_per_rep"),
        ]
        indexes = [
            models.Index(fields=["rep", "order"], name="share_rep_order"),
            models.Index(fields=["team", "order"], name="share_team_order"),
            models.Index(fields=["region", "order"], name="share_region_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.rep} · {self.percent}%"


class InstalmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


class InstalmentQuerySet(OrderPartQuerySet):
    pass


class Instalment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("order"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    paid_amount = models.DecimalField(_("paid"), max_digits=16, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=InstalmentStatus.choices, default=InstalmentStatus.PENDING
    )
    # The day the reminder before the due date was sent (once per instalment).
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    history = HistoricalRecords(table_name="customers_historicalinstalment")

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        db_table = "customers_instalment"
        ordering = ["due_date", "id"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, paid_amount__gte=0, paid_amount__lte=models.F("amount")),
                name="instalment_paid_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.due_date} · {self.amount}"


class PaymentQuerySet(OrderPartQuerySet):
    def counted(self) -> PaymentQuerySet:
        """The payments that count as collected: every payment but one entered by a rep and still
        awaiting confirmation (PAYMENT_CONFIRMATION). Every sum of collections reads through this."""
        return self.filter(awaiting_confirmation=False)

    def awaiting(self) -> PaymentQuerySet:
        return self.filter(awaiting_confirmation=True)


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order"))
    # The order's customer, kept on the payment so that a reference is unique per customer in the
    # database too (an order with payments keeps its customer).
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    # With PAYMENT_CONFIRMATION on, a payment entered by a rep waits for finance or a manager and
    # counts nowhere (collections, paid amounts, instalments) until then.
    awaiting_confirmation = models.BooleanField(_("awaiting confirmation"), default=False)
    confirmed_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(table_name="customers_historicalpayment")

    objects = PaymentQuerySet.as_manager()

    class Meta:
        db_table = "customers_payment"
        ordering = ["-date", "-id"]
        # The list's default order; also the incremental night's read of a month's payments.
        indexes = [models.Index(fields=["-date", "-id"], name="payment_list_order")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["customer", "reference"],
                condition=~models.Q(reference=""),
                name="payment_reference_unique_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.amount} · {self.date}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.customer_id is None and self.order_id is not None:
            self.customer_id = Order.objects.filter(pk=self.order_id).values_list("customer_id", flat=True).first()
        super().save(*args, **kwargs)


class ImportKind(models.TextChoices):
    ORDERS = "orders", _("Orders (lines and credit shares)")
    PAYMENTS = "payments", _("Payments")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Failed (nothing written)")
    CHECKED = "checked", _("Checked (dry run)")
    DONE = "done", _("Imported")


class ImportJobQuerySet(ScopedQuerySet):
    scope_fields = {"person": "created_by"}


class ImportJob(models.Model):
    """One upload of an ERP export: checked (dry run) or imported in one transaction."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    # The uploaded bytes: a worker on another machine reads them from the database, not a disk.
    content = models.BinaryField(_("content"))
    dry_run = models.BooleanField(_("dry run"), default=True)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # [{"line": 12, "field": "quantity", "message": "..."}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        db_table = "customers_importjob"
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def progress_percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.CHECKED, ImportStatus.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.CHECKED, ImportStatus.FAILED)
