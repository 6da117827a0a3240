"""Import and export of targets as CSV or Excel: all rows or none, bad rows named."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from salesorg.exceptions import ApplicationError
from salesorg.exports import DANGEROUS_PREFIXES, Cell, Column, Kind, Table, csv_text, read_in_transaction
from salesorg.imports import read_table
from salesorg.periods import Period
from staff import authority
from staff.models import Person, Region, Team
from targets.models import COUNT_METRICS, Metric, OwnerKind, Target, TargetSource, TargetStatus
from targets.services.targets import check_values, owner_fields

COLUMNS = ["owner_kind", "owner_code", "metric", "period", "value", "stretch_value"]


def _owner_code(target: Target) -> str:
    if target.owner_kind == OwnerKind.REP:
        return target.person.employee_no
    if target.owner_kind == OwnerKind.TEAM:
        return target.team.code
    if target.owner_kind == OwnerKind.REGION:
        return target.region.code
    return ""


# The file the import reads back. Value columns are numbers: money, or whole counts for the count
# metrics (visits, new customers), never text.
EXPORT_COLUMNS = [Column(name) for name in COLUMNS[:4]] + [Column(name, Kind.MONEY) for name in COLUMNS[4:]]
EXPORT_CHUNK = 2000


def targets_export_table(targets: Iterable[Target]) -> Table:
    """The targets as the import's file, read lazily (a queryset in chunks); owner codes are
    user-typed text, so the writer defuses formulas in them and the import strips the quote."""
    if isinstance(targets, QuerySet):
        targets = read_in_transaction(targets.iterator(chunk_size=EXPORT_CHUNK))
    return Table(columns=EXPORT_COLUMNS, rows=(_export_row(t) for t in targets), title="targets")


def _export_row(target: Target) -> list[Any]:
    kind = Kind.COUNT if target.metric in COUNT_METRICS else Kind.MONEY
    return [
        target.owner_kind,
        _owner_code(target),
        target.metric,
        target.period,
        Cell(target.value, kind),
        Cell(target.stretch_value, kind),
    ]


def targets_export_csv(targets: Iterable[Target]) -> str:
    """The CSV file's text (with the BOM), e.g. to read back with `targets_import`."""
    return csv_text(targets_export_table(targets))


def _unescape(cell: str) -> str:
    """The inverse of `safe_cell` for a text cell: drop the quote it put before a formula sign."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in DANGEROUS_PREFIXES else cell


@transaction.atomic
def targets_import(*, user: Any, name: str, content: bytes) -> int:
    """Create or update targets from a file. Any bad row refuses the whole file, naming the rows.

    Each row's owner: rule targets.set; a row changing an approved target is a revision (rule
    targets.approve, the import being its reason)."""
    actor = authority.actor_of(user)
    table = read_table(name=name, content=content)
    missing = [c for c in COLUMNS[:5] if c not in table.header]
    if missing:
        raise ApplicationError(
            _("Missing columns: %(cols)s") % {"cols": ", ".join(missing)}, fields={"file": [", ".join(missing)]}
        )
    regions = {r.code: r for r in Region.objects.all()}
    teams = {t.code: t for t in Team.objects.select_related("region")}
    people = {p.employee_no: p for p in Person.objects.select_related("team", "region")}
    errors: dict[str, list[str]] = {}
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: set[tuple] = set()
    for number, cells in table:
        row = {column: _unescape(value) for column, value in cells.items()}
        label = _("row %(n)s") % {"n": number}
        problems = []
        kind, code = row.get("owner_kind", ""), row.get("owner_code", "")
        owner: dict[str, Any] = {}
        if kind == OwnerKind.REP and code in people:
            owner = owner_fields(owner_kind=kind, person=people[code])
        elif kind == OwnerKind.TEAM and code in teams:
            owner = owner_fields(owner_kind=kind, team=teams[code])
        elif kind == OwnerKind.REGION and code in regions:
            owner = owner_fields(owner_kind=kind, region=regions[code])
        elif kind == OwnerKind.COMPANY:
            owner = owner_fields(owner_kind=kind)
        else:
            problems.append(_("unknown owner %(kind)s %(code)s") % {"kind": kind, "code": code})
        if owner and not _may_set(actor, owner):
            problems.append(_("you may not set targets for this owner"))
        metric = row.get("metric", "")
        if metric not in Metric.values:
            problems.append(_("unknown metric %(m)s") % {"m": metric})
        try:
            period = Period.parse(row.get("period", ""))
        except ValueError:
            period = None
            problems.append(_("period must be 2026, 2026-Q1 or 2026-03"))
        values = {}
        for column in ("value", "stretch_value"):
            raw = row.get(column, "")
            if column == "stretch_value" and raw == "":
                values[column] = None
                continue
            try:
                amount = Decimal(raw.replace(",", ""))
                if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                    raise InvalidOperation
                values[column] = amount
            except (InvalidOperation, ValueError):
                problems.append(_("%(col)s is not an amount of 0 or more: %(raw)s") % {"col": column, "raw": raw})
        if owner and period and metric:
            key = (kind, code, metric, str(period))
            if key in seen:
                problems.append(_("the same owner, metric and period appear twice"))
            seen.add(key)
        if not problems and metric in Metric.values:
            try:
                check_values(metric, values["value"], values["stretch_value"])
            except ApplicationError as exc:
                problems.extend(str(m) for messages in exc.fields.values() for m in messages)
        if problems:
            errors[label] = problems
        else:
            parsed.append(
                (number, {**owner, "metric": metric, "period": str(period), "period_kind": period.kind, **values})
            )
    if errors:
        raise ApplicationError(_("Nothing was imported: fix the rows named and try again."), fields=errors)
    return _write_rows(actor, parsed)


def _may_set(actor: authority.Actor, owner: dict[str, Any]) -> bool:
    return authority.allowed(
        actor,
        "targets.set",
        owner_kind=owner["owner_kind"],
        region_id=getattr(owner.get("region"), "pk", None),
        team_id=getattr(owner.get("team"), "pk", None),
        person_id=getattr(owner.get("person"), "pk", None),
    )


def _write_rows(actor: authority.Actor, parsed: list[tuple[int, dict[str, Any]]]) -> int:
    existing = {
        (t.owner_kind, t.owner_key, t.metric, t.period): t
        for t in Target.objects.select_for_update(of=("self",))
        .select_related("drafted_by")
        .filter(period__in={data["period"] for _number, data in parsed})
    }
    new_rows, changed, refused = [], [], {}
    for number, data in parsed:
        target = Target(**data, drafted_by=actor.history_user(), source=TargetSource.IMPORT)
        target.owner_key = target.compute_owner_key()
        current = existing.get((target.owner_kind, target.owner_key, target.metric, target.period))
        if current is None:
            new_rows.append(target)
        elif (current.value, current.stretch_value) != (target.value, target.stretch_value):
            if current.status == TargetStatus.APPROVED:
                message = authority.check(actor, "targets.approve", current)
                if message is not None:
                    refused[_("row %(n)s") % {"n": number}] = [message]
                    continue
            else:
                current.drafted_by = actor.history_user()
            current.value, current.stretch_value = target.value, target.stretch_value
            current.version += 1
            changed.append(current)
    if refused:
        raise ApplicationError(_("Nothing was imported: fix the rows named and try again."), fields=refused)
    history = {"default_user": actor.history_user(), "default_change_reason": "import"}
    bulk_create_with_history(new_rows, Target, **history)
    bulk_update_with_history(changed, Target, ["value", "stretch_value", "version", "drafted_by"], **history)
    return len(new_rows) + len(changed)
