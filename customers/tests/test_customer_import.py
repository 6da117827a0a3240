"""Customer import with a dry run, re-import by the natural key, the template, duplicate flags."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from customers.domain import normalized_company_name, normalized_tax_number
from customers.models import ClassificationChange, Customer, CustomerMove
from customers.services.customer_import import EXAMPLE_ROW, headers_in
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

IMPORT = "customers:customer-import"
PREVIEW = "customers:customer-import-preview"
TEMPLATE = "customers:customer-import-template"


def csv_upload(rows: list[list], name: str = "customers.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def dry_run(client, upload):
    """Upload a file; answer the dry run page (the plan in its context)."""
    response = client.post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse(PREVIEW)
    return client.get(reverse(PREVIEW))


def changes_of(plan) -> dict[str, list[tuple[str, str, str]]]:
    return {row.code: row.changes for row in plan.rows if row.status == "changed"}


def rows_v1(org) -> list[list]:
    no = org.rep1a1.employee_no
    return [
        ["code", "name", "tax_number", "industry", "owner", "credit_limit", "classification"],
        ["C-1", "苏州精密制造有限公司", "91320500MA1AAAAA1A", "制造业", no, "1000", "general"],
        ["C-2", "杭州华贸商行", "", "贸易", no, "1000", "potential"],
        ["C-3", "Acme Trading Co., Ltd.", "", "贸易", no, "0", "potential"],
        ["C-4", "南京远航物流", "", "物流", no, "500", "key"],
    ]


# --- re-import: the Done-when line of issue 21 --------------------------------------------------


def test_the_same_file_twice_with_two_rows_changed_reports_and_applies_exactly_those_two(client, org):
    client.force_login(org.tm1a.user)
    first = dry_run(client, csv_upload(rows_v1(org)))
    assert first.context["counts"] == {"added": 4, "changed": 0, "unchanged": 0, "refused": 0}
    assert Customer.objects.count() == 0  # a dry run writes nothing
    assert client.post(reverse(PREVIEW)).status_code == 302
    assert Customer.objects.count() == 4
    history_before = {c.code: c.history.count() for c in Customer.objects.all()}
    assert history_before == {"C-1": 1, "C-2": 1, "C-3": 1, "C-4": 1}

    rows = rows_v1(org)
    rows[2][5] = "2500"  # C-2: credit limit 1000 -> 2500
    rows[4][3] = "零售"  # C-4: industry 物流 -> 零售
    rows[1][1] = " 苏州精密制造有限公司 "  # C-1: the same name with spaces around: no change
    rows[3][5] = "0.00"  # C-3: 0 written as 0.00: the same amount, no change
    second = dry_run(client, csv_upload(rows))

    assert second.status_code == 200
    assert second.context["counts"] == {"added": 0, "changed": 2, "unchanged": 2, "refused": 0}
    assert changes_of(second.context["plan"]) == {
        "C-2": [("credit_limit", "1000", "2500")],
        "C-4": [("industry", "物流", "零售")],
    }
    page = second.content.decode()
    assert "1000 → 2500" in page and "物流 → 零售" in page
    assert client.post(reverse(PREVIEW)).status_code == 302

    assert Customer.objects.count() == 4  # updated, not duplicated
    by_code = {c.code: c for c in Customer.objects.all()}
    assert by_code["C-2"].credit_limit == Decimal("2500.00")
    assert by_code["C-4"].industry == "零售"
    assert (by_code["C-1"].credit_limit, by_code["C-3"].industry) == (Decimal("1000.00"), "贸易")
    # History: one more record for each of the two changed customers only.
    assert {c.code: c.history.count() for c in by_code.values()} == {"C-1": 1, "C-2": 2, "C-3": 1, "C-4": 2}
    assert by_code["C-2"].history.first().history_change_reason == "Imported"

    third = dry_run(client, csv_upload(rows))
    assert third.context["counts"] == {"added": 0, "changed": 0, "unchanged": 4, "refused": 0}


def test_rows_without_a_code_are_matched_by_tax_number_then_by_normalised_name(client, org):
    CustomerFactory(code="K-1", name="苏州精密制造有限公司", tax_number="91320500MA1AAAAA1A", owner=org.rep1a1)
    CustomerFactory(code="K-2", name="Acme Trading Co., Ltd.", owner=org.rep1a1, industry="贸易")
    client.force_login(org.tm1a.user)
    upload = csv_upload(
        [
            ["编码", "名称", "税号", "行业", "分类"],
            # By tax number (written with a dash and lower case): the name changes.
            ["", "苏州精密", "91320500-ma1aaaaa1a", "", ""],
            # By name: full-width, no suffix, other case; the classification changes.
            ["", "ＡＣＭＥ　ｔｒａｄｉｎｇ", "", "", "key"],
        ]
    )

    response = dry_run(client, upload)

    assert response.context["counts"] == {"added": 0, "changed": 2, "unchanged": 0, "refused": 0}
    assert changes_of(response.context["plan"]) == {
        "K-1": [("name", "苏州精密制造有限公司", "苏州精密")],
        "K-2": [("name", "Acme Trading Co., Ltd.", "ＡＣＭＥ　ｔｒａｄｉｎｇ"), ("classification", "general", "key")],
    }
    client.post(reverse(PREVIEW))
    assert Customer.objects.count() == 2
    assert Customer.objects.get(code="K-1").name == "苏州精密"
    acme = Customer.objects.get(code="K-2")
    assert (acme.classification, acme.classification_overridden) == ("key", True)
    change = ClassificationChange.objects.get(customer=acme)
    assert (change.from_classification, change.to_classification, change.reason) == ("general", "key", "Imported")


def test_an_owner_change_on_reimport_moves_the_customer_with_a_recorded_move(client, org):
    customer = CustomerFactory(code="M-1", name="移交客户", owner=org.rep1a1)
    client.force_login(org.tm1a.user)
    dry_run(client, csv_upload([["code", "owner"], ["M-1", org.rep1a2.employee_no]]))
    client.post(reverse(PREVIEW))
    customer.refresh_from_db()
    assert (customer.owner, customer.team) == (org.rep1a2, org.t1a)
    move = CustomerMove.objects.get(customer=customer)
    assert (move.kind, move.to_owner, move.reason) == ("transferred", org.rep1a2, "Imported")


# --- all rows or none ----------------------------------------------------------------------------


def test_a_refused_row_refuses_the_whole_file_naming_the_row_and_field(client, org):
    CustomerFactory(code="C-2", name="杭州华贸商行", owner=org.rep1a1, credit_limit=Decimal("1000"))
    client.force_login(org.tm1a.user)
    rows = rows_v1(org)
    rows[2][5] = "2500"  # a valid change of C-2
    rows[3] = ["C-3", "Acme", "", "贸易", org.rep1a1.employee_no, "-5", "potential"]  # line 4: bad credit limit
    rows[4][6] = "vip"  # line 5: unknown classification

    response = dry_run(client, csv_upload(rows))

    plan = response.context["plan"]
    assert [(r.line, r.status) for r in plan.rows] == [(2, "added"), (3, "changed"), (4, "refused"), (5, "refused")]
    assert [(r.line, [f for f, _m in r.problems]) for r in plan.refused] == [
        (4, ["credit_limit"]),
        (5, ["classification"]),
    ]
    assert "Apply the import" not in response.content.decode()

    applied = client.post(reverse(PREVIEW))

    assert applied.status_code == 400
    assert "2 rows are refused; nothing was imported." in applied.content.decode()
    assert list(Customer.objects.values_list("code", "credit_limit")) == [("C-2", Decimal("1000.00"))]


def test_apply_refuses_when_the_customers_changed_since_the_dry_run(client, org):
    customer = CustomerFactory(code="C-2", name="杭州华贸商行", owner=org.rep1a1, industry="贸易")
    client.force_login(org.tm1a.user)
    dry_run(client, csv_upload([["code", "industry"], ["C-2", "物流"]]))
    Customer.objects.filter(pk=customer.pk).update(industry="零售")  # someone edits it meanwhile

    response = client.post(reverse(PREVIEW))

    assert response.status_code == 400
    assert Customer.objects.get(pk=customer.pk).industry == "零售"
    # The page now shows the current dry run; applying it again works.
    assert changes_of(response.context["plan"]) == {"C-2": [("industry", "零售", "物流")]}
    assert client.post(reverse(PREVIEW)).status_code == 302
    assert Customer.objects.get(pk=customer.pk).industry == "物流"


# --- the template --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_template_downloads_in_the_language_and_reimports_cleanly(client, org, language):
    client.force_login(org.tm1a.user)

    response = client.get(reverse(TEMPLATE), {"lang": language})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, example = ([c.value or "" for c in row] for row in sheet.iter_rows(max_row=2))
    assert header == headers_in(language)
    assert ("税号" in header) == (language == "zh-hans") and ("Tax number" in header) == (language == "en")
    assert example[0] == EXAMPLE_ROW["code"]

    preview = dry_run(client, SimpleUploadedFile("template.xlsx", response.content))
    assert preview.context["counts"] == {"added": 1, "changed": 0, "unchanged": 0, "refused": 0}
    client.post(reverse(PREVIEW))
    customer = Customer.objects.get(code=EXAMPLE_ROW["code"])
    assert (customer.name, customer.tax_number, customer.team) == (EXAMPLE_ROW["name"], "91320500MA1XXXXX0A", org.t1a)

    # The other language's template names the same columns: the same customer, unchanged.
    other = "en" if language == "zh-hans" else "zh-hans"
    again = dry_run(client, SimpleUploadedFile("t.xlsx", client.get(reverse(TEMPLATE), {"lang": other}).content))
    assert again.context["counts"] == {"added": 0, "changed": 0, "unchanged": 1, "refused": 0}


def test_the_template_follows_the_users_language(client, org):
    client.force_login(org.tm1a.user)
    with translation.override("zh-hans"):
        response = client.get(reverse(TEMPLATE), HTTP_ACCEPT_LANGUAGE="zh-hans")
    header = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.iter_rows(max_row=1))]
    assert header[:3] == ["编码", "名称", "税号"]


# --- duplicates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("苏州 精密（制造）有限公司", "苏州精密(制造)"),
        ("杭州华贸有限责任公司", "杭州华贸"),
        ("北京某某科技股份有限公司", "北京某某科技公司"),
        ("Acme Trading Co., Ltd.", "ACME TRADING"),
        ("Ａｃｍｅ　Ｔｒａｄｉｎｇ　Ｃｏ．，Ｌｔｄ．", "acme trading"),
        ("Acme Inc.", "Acme"),
        ("Acme Company Limited", "acme"),
    ],
)
def test_normalised_company_names_agree(one, other):
    assert normalized_company_name(one) == normalized_company_name(other)


def test_normalised_names_keep_what_is_not_a_suffix():
    assert normalized_company_name("Costco") == "costco"  # "co" only as a whole word
    assert normalized_company_name("有限公司") == "有限公司"  # a name that is all suffix stays
    assert normalized_company_name("杭州华贸") != normalized_company_name("杭州华茂")
    assert normalized_tax_number(" 91310000-ｍａ1fl0001x ") == "91310000MA1FL0001X"


def test_import_refuses_new_rows_that_duplicate_a_customer_or_each_other(client, org):
    CustomerFactory(code="D-1", name="杭州华贸商行有限公司", tax_number="91330100MA2BBBBB1B", owner=org.rep1a1)
    client.force_login(org.tm1a.user)
    upload = csv_upload(
        [
            ["code", "name", "tax_number"],
            ["N-1", "杭州 华贸商行", ""],  # the name of D-1
            ["N-2", "另一家", "91330100-ma2bbbbb1b"],  # the tax number of D-1
            ["N-3", "Acme Co., Ltd.", ""],
            ["N-4", "ACME", ""],  # the same company as N-3, earlier in the file
        ]
    )

    plan = dry_run(client, upload).context["plan"]

    assert [(r.code, r.status, [f for f, _m in r.problems]) for r in plan.rows] == [
        ("N-1", "refused", ["name"]),
        ("N-2", "refused", ["tax_number"]),
        ("N-3", "added", []),
        ("N-4", "refused", ["name"]),
    ]
    assert "D-1" in plan.rows[0].problems[0][1] and "N-3" in plan.rows[3].problems[0][1]


def test_creating_a_duplicate_customer_warns_and_saves_only_when_confirmed(client, org):
    CustomerFactory(code="D-1", name="杭州华贸商行有限公司", owner=org.rep1a1)
    client.force_login(org.rep1a1.user)
    form = {"code": "D-2", "name": "杭州华贸商行", "kind": "end", "status": "active", "credit_limit": "0"}
    form["potential_amount"] = "0"

    warned = client.post(reverse("customers:customer-create"), form)

    assert warned.status_code == 400
    assert "D-1" in str(warned.context["form"].errors["name"])
    assert 'type="checkbox" name="confirm_duplicate"' in warned.content.decode()
    assert not Customer.objects.filter(code="D-2").exists()

    confirmed = client.post(reverse("customers:customer-create"), {**form, "confirm_duplicate": "on"})

    assert confirmed.status_code == 302
    assert Customer.objects.get(code="D-2").name_key == Customer.objects.get(code="D-1").name_key == "杭州华贸商行"


def test_the_api_refuses_a_duplicate_tax_number_unless_confirmed(client, org):
    CustomerFactory(code="D-1", name="甲", tax_number="91330100MA2BBBBB1B", owner=org.rep2a1)
    client.force_login(org.rep1a1.user)
    body = {"code": "D-3", "name": "乙公司", "tax_number": "91330100ma2bbbbb1b"}

    refused = client.post("/api/v1/customers/", body, content_type="application/json")

    assert refused.status_code == 400
    # D-1 is outside rep1a1's view: said to exist, not named.
    assert "D-1" not in refused.content.decode() and "tax_number" in refused.json()
    created = client.post("/api/v1/customers/", {**body, "confirm_duplicate": True}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["tax_number"] == "91330100MA2BBBBB1B"


# --- authority -----------------------------------------------------------------------------------


def test_a_rep_sees_no_import_link_and_the_import_pages_refuse_them(client, org):
    client.force_login(org.rep1a1.user)
    assert reverse(IMPORT) not in client.get(reverse("customers:customer-list")).content.decode()
    for url in (reverse(IMPORT), reverse(PREVIEW), reverse(TEMPLATE)):
        assert client.get(url).status_code == 403
    assert client.post(reverse(IMPORT), {"file": csv_upload([["code", "name"], ["R-1", "x"]])}).status_code == 403
    assert not Customer.objects.exists()
    client.force_login(org.tm1a.user)
    assert reverse(IMPORT) in client.get(reverse("customers:customer-list")).content.decode()


def test_a_manager_of_another_unit_cannot_change_or_place_customers_outside_it(client, org):
    CustomerFactory(code="C-1A", name="一组客户", owner=org.rep1a1, industry="贸易")
    client.force_login(org.tm1b.user)
    upload = csv_upload(
        [
            ["code", "name", "industry", "owner"],
            ["C-1A", "一组客户", "物流", ""],  # another team's customer: not in tm1b's view
            ["C-NEW", "新客户", "", org.rep1a1.employee_no],  # an owner of another team
            ["C-OK", "二组新客户", "", org.rep1b1.employee_no],
        ]
    )

    plan = dry_run(client, upload).context["plan"]

    assert [(r.code, r.status, [f for f, _m in r.problems]) for r in plan.rows] == [
        ("C-1A", "refused", ["code"]),
        ("C-NEW", "refused", ["owner"]),
        ("C-OK", "added", []),
    ]
    assert client.post(reverse(PREVIEW)).status_code == 400
    assert Customer.objects.get(code="C-1A").industry == "贸易"
    assert not Customer.objects.filter(code__in=["C-NEW", "C-OK"]).exists()


# --- bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("x.pdf", b"%PDF-1.4 not a table", "Upload a .csv or .xlsx file."),
        ("empty.csv", b"", "empty"),
        ("header-only.csv", b"code,name\n", "The file has no rows."),
        ("wrong.csv", b"foo,bar\n1,2\n", "Unknown columns: bar, foo"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", ""),
    ],
)
def test_bad_files_answer_400_with_a_message_and_write_nothing(client, org, name, content, words):
    client.force_login(org.tm1a.user)

    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors and words in " ".join(errors)
    assert not Customer.objects.exists()
    assert client.post(reverse(PREVIEW)).status_code == 400  # nothing waits to be applied


# --- the command ---------------------------------------------------------------------------------


def test_the_command_dry_runs_then_imports_as_the_user(org, tmp_path):
    from django.core.management import CommandError, call_command

    CustomerFactory(code="C-2", name="杭州华贸商行", owner=org.rep1a1, industry="贸易")
    path = tmp_path / "customers.csv"
    path.write_text("code,name,industry\nC-2,杭州华贸商行,物流\nC-5,新客户,\n", encoding="utf-8")
    out = io.StringIO()

    call_command("import_customers", str(path), user=org.tm1a.user.username, dry_run=True, stdout=out)

    assert "line 2: C-2: industry: 贸易 -> 物流" in out.getvalue()
    assert "2 rows checked (dry run, nothing written): 1 added, 1 changed, 0 unchanged, 0 refused" in out.getvalue()
    assert Customer.objects.count() == 1
    call_command("import_customers", str(path), user=org.tm1a.user.username, stdout=io.StringIO())
    assert Customer.objects.get(code="C-2").industry == "物流" and Customer.objects.filter(code="C-5").exists()
    with pytest.raises(CommandError, match="Only a manager or an admin imports customers."):
        call_command("import_customers", str(path), user=org.rep1a1.user.username, stdout=io.StringIO())
