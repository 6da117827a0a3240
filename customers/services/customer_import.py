"""Customer import with a dry run: what a file would add, change (field by field) and refuse, then
applied all rows or none. Re-importing a file updates the customers it names instead of adding
them again (kept in step with an ERP).

The natural key of a row: its **code** when the row has one; else its **tax number**; else its
**company name as normalised** (`customers.domain.normalized_company_name`). A row with a code that
no customer has adds a customer; a row without a code must match exactly one customer. Columns
missing from the file, and empty cells, leave a customer's field as it is. A new customer (or a
renamed one) with the tax number or normalised name of another customer is refused as a duplicate
(update that customer by its code instead). Headers are accepted in English and in Chinese.

Who: `customers.import` (a manager or an admin), and every row's customer, before and after, must
be one the importer manages (`customers.manage`: a manager of its unit).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers.domain import normalized_company_name, normalized_tax_number
from customers.models import Classification, ClassificationChange, Customer, CustomerMove, MoveKind
from customers.services.accounts import clean_customer_fields
from salesorg.exceptions import ApplicationError
from salesorg.imports import read_table
from staff import authority
from staff.models import Person

# The columns, in the template's order, with the header each language writes.
HEADERS: dict[str, Any] = {
    "code": pgettext_lazy("import column", "Code"),
    "name": pgettext_lazy("import column", "Name"),
    "tax_number": pgettext_lazy("import column", "Tax number"),
    "kind": pgettext_lazy("import column", "Kind"),
    "industry": pgettext_lazy("import column", "Industry"),
    "owner": pgettext_lazy("import column", "Owner (employee no.)"),
    "classification": pgettext_lazy("import column", "Classification"),
    "status": pgettext_lazy("import column", "Status"),
    "credit_rating": pgettext_lazy("import column", "Credit rating"),
    "credit_limit": pgettext_lazy("import column", "Credit limit"),
    "potential_amount": pgettext_lazy("import column", "Yearly potential"),
    "address": pgettext_lazy("import column", "Address"),
    "latitude": pgettext_lazy("import column", "Latitude"),
    "longitude": pgettext_lazy("import column", "Longitude"),
    "source": pgettext_lazy("import column", "Source"),
    "referred_by": pgettext_lazy("import column", "Referred by (code)"),
    "contacts": pgettext_lazy("import column", "Contacts"),
    "notes": pgettext_lazy("import column", "Notes"),
}
COLUMNS = list(HEADERS)
EXAMPLE_ROW = {
    "code": "C-0001",
    "name": "苏州精密制造有限公司",
    "tax_number": "91320500MA1XXXXX0A",
    "kind": "end",
    "industry": "制造业",
    "owner": "",
    "classification": "potential",
    "status": "active",
    "credit_rating": "",
    "credit_limit": "0",
    "potential_amount": "500000",
    "address": "苏州工业园区星湖街 1 号",
    "latitude": "31.298",
    "longitude": "120.585",
    "source": "",
    "referred_by": "",
    "contacts": "",
    "notes": "",
}
MAX_ROWS = 10_000
# Columns of the export that the import reads past (an exported file can be edited and imported).
EXPORT_ONLY = {"owner_name", "team", "region", "pool_due_date"}
# Fields compared and written as the model holds them (the rest: owner, referred_by, classification).
PLAIN_FIELDS = [c for c in COLUMNS if c not in ("code", "owner", "referred_by", "classification")]


def _header_names() -> dict[str, str]:
    """Every accepted header (folded) -> column: the column's own name and its header in each language."""
    names = {column: column for column in COLUMNS}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.update({str(label).strip().casefold(): column for column, label in HEADERS.items()})
    return names


def headers_in(language: str | None = None) -> list[str]:
    """The template's header row in a language (the current one by default)."""
    with translation.override(language or translation.get_language()):
        return [str(label) for label in HEADERS.values()]


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    code: str
    name: str
    status: str = "unchanged"  # added / changed / unchanged / refused
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    customer: Customer | None = None  # the customer to add, or the existing one with new values set
    fields: list[str] = field(default_factory=list)
    new_owner: bool = False
    old_classification: str = ""


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("added", "changed", "unchanged", "refused")}

    @property
    def refused(self) -> list[RowPlan]:
        return [row for row in self.rows if row.status == "refused"]

    def fingerprint(self) -> str:
        """What the dry run showed, so an apply can tell whether the data moved since."""
        shown = [(r.line, r.status, r.code, r.changes, r.problems) for r in self.rows]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False, default=str).encode()).hexdigest()


def _rows(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    names = _header_names()
    table = read_table(name=name, content=io.BytesIO(content), normalise=lambda h: names.get(h.strip().casefold(), h))
    rows: list[tuple[int, dict[str, str]]] = []
    for line, row in table:
        if len(rows) == MAX_ROWS:
            raise ApplicationError(_("Too many rows."), fields={"file": [_("At most %(n)s rows.") % {"n": MAX_ROWS}]})
        rows.append((line, row))
    if not rows:
        raise ApplicationError(_("The file has no rows."), fields={"file": [_("The file has no rows.")]})
    header = set(rows[0][1])
    unknown = sorted(h for h in header - set(COLUMNS) - EXPORT_ONLY if h)
    if unknown or not header & {"code", "tax_number", "name"}:
        raise ApplicationError(
            _("The columns are not the template's."),
            fields={
                "file": [
                    _("Unknown columns: %(c)s. The first row must name the template's columns.")
                    % {"c": ", ".join(unknown) or "-"}
                ]
            },
        )
    return rows


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Person):
        return value.employee_no
    if isinstance(value, Customer):
        return value.code
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except Exception:  # noqa: BLE001 (a value that is not a number differs)
            return False
    return _display(old) == _display(new)


@dataclass
class _Lookups:
    by_code: dict[str, Customer]
    by_tax: dict[str, list[Customer]]
    by_key: dict[str, list[Customer]]
    visible: set[int]
    owners: dict[str, Person]
    referrers: dict[str, Customer]


def _lookups(user: Any, rows: list[tuple[int, dict[str, str]]]) -> _Lookups:
    """Everything the rows name, fetched in a fixed number of queries for the whole file."""
    codes = {row.get("code", "").strip() for _line, row in rows} - {""}
    taxes = {normalized_tax_number(row.get("tax_number", "")) for _line, row in rows} - {""}
    keys = {normalized_company_name(row.get("name", "")) for _line, row in rows} - {""}
    found = list(
        Customer.objects.select_related("owner", "referred_by").filter(
            Q(code__in=codes) | Q(tax_number__in=taxes) | Q(name_key__in=keys)
        )
    )
    by_tax: dict[str, list[Customer]] = {}
    by_key: dict[str, list[Customer]] = {}
    for customer in found:
        if customer.tax_number:
            by_tax.setdefault(customer.tax_number, []).append(customer)
        by_key.setdefault(customer.name_key, []).append(customer)
    owner_numbers = {row.get("owner", "").strip() for _line, row in rows} - {""}
    referrer_codes = {row.get("referred_by", "").strip() for _line, row in rows} - {""}
    return _Lookups(
        by_code={c.code: c for c in found},
        by_tax=by_tax,
        by_key=by_key,
        visible=set(
            Customer.objects.visible_to(user).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True)
        ),
        owners={
            p.employee_no: p for p in Person.objects.visible_to(user).current().filter(employee_no__in=owner_numbers)
        },
        referrers={c.code: c for c in Customer.objects.visible_to(user).filter(code__in=referrer_codes)},
    )


def _match(row: dict[str, str], lookups: _Lookups) -> tuple[Customer | None, tuple[str, str] | None]:
    """The existing customer a row names by its natural key, or a problem (field, message)."""
    code = row.get("code", "").strip()
    if code:
        return lookups.by_code.get(code), None
    tax = normalized_tax_number(row.get("tax_number", ""))
    key = normalized_company_name(row.get("name", ""))
    field_name, candidates = (
        ("tax_number", lookups.by_tax.get(tax, [])) if tax else ("name", lookups.by_key.get(key, []))
    )
    if len(candidates) == 1:
        return candidates[0], None
    if len(candidates) > 1:
        return None, (field_name, _("several customers match; give the code"))
    return None, ("code", _("a new customer needs a code"))


def _duplicate_of(
    customer: Customer, lookups: _Lookups, taken: dict[str, dict[str, str]], checked: set[str]
) -> list[tuple[str, str]]:
    """Another customer (in the database or earlier in the file) with the same tax number or name
    (of `checked`: a new customer's both, a changed one's only what changes)."""
    problems: list[tuple[str, str]] = []
    for field_name, value, existing in (
        ("tax_number", customer.tax_number, lookups.by_tax.get(customer.tax_number, [])),
        ("name", customer.name_key, lookups.by_key.get(customer.name_key, [])),
    ):
        if not value or field_name not in checked:
            continue
        others = [c for c in existing if c.pk != customer.pk]
        if others:
            other = others[0]
            label = other.code if other.pk in lookups.visible else _("another customer (not in your view)")
            problems.append((field_name, _("the same company as %(other)s: a duplicate") % {"other": label}))
        elif value in taken[field_name] and taken[field_name][value] != customer.code:
            problems.append(
                (field_name, _("the same company as %(other)s: a duplicate") % {"other": taken[field_name][value]})
            )
        taken[field_name].setdefault(value, customer.code)
    return problems


def _plan_row(
    line: int, row: dict[str, str], *, user: Any, lookups: _Lookups, importer: Person | None, today: date, taken: Any
) -> RowPlan:
    code = row.get("code", "").strip()
    plan = RowPlan(line=line, code=code, name=row.get("name", "").strip())
    existing, problem = _match(row, lookups)
    if problem and not (problem[0] == "code" and code):
        plan.problems.append(problem)
    if existing is not None and existing.pk not in lookups.visible:
        # Codes are unique company-wide: say it is taken, and nothing more about it.
        plan.problems.append(("code", _("%(code)s belongs to a customer outside your view") % {"code": code}))
        existing = None
    if code and len(code) > 30:
        plan.problems.append(("code", _("at most 30 characters")))
    values = {k: row[k].strip() for k in PLAIN_FIELDS if row.get(k, "").strip() != ""}
    if existing is None and not values.get("name"):
        plan.problems.append(("name", _("a new customer needs a name")))
    try:
        cleaned = clean_customer_fields(values)
    except ApplicationError as exc:
        cleaned = {}
        plan.problems += [(f, "; ".join(map(str, msgs))) for f, msgs in exc.fields.items()]
    if "tax_number" in cleaned:
        cleaned["tax_number"] = normalized_tax_number(cleaned["tax_number"])
    if row.get("classification", "").strip():
        if row["classification"].strip() not in Classification.values:
            plan.problems.append(("classification", _("choose key, general or potential")))
        else:
            cleaned["classification"] = row["classification"].strip()
    if row.get("owner", "").strip():
        owner = lookups.owners.get(row["owner"].strip())
        if owner is None:
            plan.problems.append(("owner", _("no person %(no)s in your scope") % {"no": row["owner"].strip()}))
        else:
            cleaned["owner"] = owner
    if row.get("referred_by", "").strip():
        referrer = lookups.referrers.get(row["referred_by"].strip())
        if referrer is None:
            plan.problems.append(("referred_by", _("no customer %(code)s") % {"code": row["referred_by"].strip()}))
        else:
            cleaned["referred_by"] = referrer
    if plan.problems:
        plan.status = "refused"
        return plan
    if existing is None:
        customer = Customer(code=code, classification=Classification.POTENTIAL)
        plan.status = "added"
    else:
        # A manager of the customer's unit, as it is now.
        refusal = authority.check(user, "customers.manage", existing)
        if refusal:
            plan.problems.append(("code", str(refusal)))
            plan.status = "refused"
            return plan
        customer = existing
        plan.code, plan.name = existing.code, existing.name
        plan.old_classification = existing.classification
    for name, value in cleaned.items():
        old = getattr(customer, name)
        if existing is not None and _same(old, value):
            continue
        if existing is not None:
            plan.changes.append((name, _display(old), _display(value)))
        setattr(customer, name, value)
        plan.fields.append(name)
    if "owner" in plan.fields:
        plan.new_owner = True
        customer.owner_since, customer.pool_due_date, customer.pool_warned_on = today, None, None
        customer.team_id, customer.region_id = customer.owner.team_id, customer.owner.region_id
        plan.fields += ["owner_since", "pool_due_date", "pool_warned_on", "team", "region"]
    elif existing is None and importer is not None:
        customer.team_id, customer.region_id = importer.team_id, importer.region_id
    if "name" in plan.fields:
        customer.name_key = normalized_company_name(customer.name)
        plan.fields.append("name_key")
    if "classification" in plan.fields and existing is not None:
        customer.classification_overridden = True
        plan.fields.append("classification_overridden")
    if existing is not None and not plan.changes:
        return plan
    if existing is not None:
        plan.status = "changed"
    # Each row's customer, as it will be, lies in the importer's unit.
    refusal = authority.check(user, "customers.manage", customer)
    problems = [("owner" if "owner" in plan.fields else "code", str(refusal))] if refusal else []
    checked = {"tax_number", "name"} if existing is None else {"tax_number", "name"} & set(plan.fields)
    problems += _duplicate_of(customer, lookups, taken, checked)
    if problems:
        plan.problems, plan.status, plan.changes = problems, "refused", []
        return plan
    plan.name = customer.name
    plan.customer = customer
    return plan


def plan_import(*, user: Any, name: str, content: bytes, today: date | None = None) -> ImportPlan:
    """The dry run: what the file would add, change and refuse. Writes nothing."""
    today = today or timezone.localdate()
    actor = authority.require(user, "customers.import")
    importer = actor.person if actor.is_admin else authority.require_person(user)
    rows = _rows(name, content)
    lookups = _lookups(user, rows)
    taken: dict[str, dict[str, str]] = {"tax_number": {}, "name": {}}
    plans = []
    seen: Counter[str] = Counter()
    for line, row in rows:
        plan = _plan_row(line, row, user=user, lookups=lookups, importer=importer, today=today, taken=taken)
        key = plan.customer.code if plan.customer is not None else plan.code
        seen[key] += 1
        if key and seen[key] > 1:
            plan.problems, plan.status, plan.changes = (
                [("code", _("%(code)s is twice in the file") % {"code": key})],
                "refused",
                [],
            )
        plans.append(plan)
    return ImportPlan(rows=plans)


@transaction.atomic
def apply_import(
    *, user: Any, name: str, content: bytes, fingerprint: str | None = None, today: date | None = None
) -> ImportPlan:
    """Apply a file, all rows or none: refused when any row is refused, or (given the dry run's
    fingerprint) when the customers changed since the dry run. Keeps history for every row."""
    today = today or timezone.localdate()
    plan = plan_import(user=user, name=name, content=content, today=today)
    if plan.refused:
        raise ApplicationError(
            _("%(n)s rows are refused; nothing was imported.") % {"n": len(plan.refused)},
            fields={"rows": [_row_refusal(row) for row in plan.refused]},
        )
    if fingerprint is not None and plan.fingerprint() != fingerprint:
        raise ApplicationError(
            _("The customers changed since the dry run; check the file again."),
            fields={"file": [_("The customers changed since the dry run; check the file again.")]},
        )
    by = authority.actor_of(user).person
    added = [row.customer for row in plan.rows if row.status == "added" and row.customer is not None]
    changed = [row for row in plan.rows if row.status == "changed" and row.customer is not None]
    if added:
        bulk_create_with_history(added, Customer, batch_size=500, default_user=user)
    ids = dict(Customer.objects.filter(code__in=[c.code for c in added]).values_list("code", "id"))
    moves = [
        CustomerMove(
            customer_id=ids[c.code],
            date=today,
            kind=MoveKind.CREATED,
            to_owner=c.owner,
            reason=_("Imported"),
            moved_by=by,
        )
        for c in added
    ]
    fields = sorted({f for row in changed for f in row.fields})
    if changed:
        bulk_update_with_history(
            [row.customer for row in changed],
            Customer,
            fields,
            batch_size=500,
            default_user=user,
            default_change_reason=_("Imported"),
        )
    moves += [
        CustomerMove(
            customer=row.customer,
            date=today,
            kind=MoveKind.TRANSFERRED,
            to_owner=row.customer.owner,
            reason=_("Imported"),
            moved_by=by,
        )
        for row in changed
        if row.new_owner and row.customer is not None
    ]
    CustomerMove.objects.bulk_create(moves)
    ClassificationChange.objects.bulk_create(
        [
            ClassificationChange(
                customer=row.customer,
                date=today,
                from_classification=row.old_classification,
                to_classification=row.customer.classification,
                proposed=row.customer.classification,
                reason=_("Imported"),
                changed_by=by,
            )
            for row in changed
            if "classification" in row.fields and row.customer is not None
        ]
    )
    return plan


def _row_refusal(row: RowPlan) -> str:
    return _("line %(line)s: %(problems)s") % {
        "line": row.line,
        "problems": "; ".join(f"{f}: {m}" for f, m in row.problems),
    }


def template_workbook(language: str | None = None) -> bytes:
    """The import template: the header row in the language, one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "customers"
    sheet.append(headers_in(language))
    sheet.append([EXAMPLE_ROW[c] for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
