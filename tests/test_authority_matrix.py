"""The authority matrix: every write operation x six roles, each answer stated by hand.

The expected answers live in tests/authority_table.py, written from DESIGN.md ("The authority
rule" and "The data-scope rule") and not from the code. Here:
- every write operation of the API (POST/PUT/PATCH/DELETE in the OpenAPI schema drf-spectacular
  generates) and every page form (page URL patterns whose view handles POST, one entry per action
  the view dispatches on) must have at least one case in the table, or the completeness test fails
  with "no expected answer for ...: add one";
- each case is called as each role (admin, director, rm01, tm01, rep01 and rep04 with a data scope
  widened to "all") against the case's object of the demo world, in its own savepoint;
- the answer must be the expected one (ok = 2xx, pages also a redirect); when refused, the object's
  row and the row counts of the watched models are unchanged.
"""

from __future__ import annotations

import inspect
import json
import re

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from staff.scope import forget_viewer
from tests.authority_table import API_CASES, PAGE_CASES, ROLES6, WIDE_USERNAME, Case
from tests.test_security_access import openapi_schema, page_routes, viewset_model

WRITE_METHODS = ("post", "put", "patch", "delete")
LOGIN_OP = "POST /api/v1/auth/token/"
# Actions a page view dispatches on that the source scan below cannot see.
EXTRA_PAGE_ACTIONS: dict[str, set[str]] = {}
# How views name their actions: `action == "x"`, `step in ("x", "y")`, `"x": lambda: ...`.
_ACTION_PATTERNS = (
    re.compile(r'(?:action|step)"?\)?\s*(?:==|!=)\s*"([\w-]+)"'),
    re.compile(r'^\s*"([\w-]+)":\s*lambda', re.MULTILINE),
)
_ACTION_TUPLE = re.compile(r"(?:action|step) in \(([^)]*)\)")
_HELPER_CALL = re.compile(r"\b(_[a-z]\w*)\(")


def _view_source(callback) -> str:
    """The view's source and that of the module's private helpers it calls (one level deep)."""
    func = inspect.unwrap(callback)
    source = inspect.getsource(func)
    module = inspect.getmodule(func)
    for name in set(_HELPER_CALL.findall(source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper):
            source += "\n" + inspect.getsource(helper)
    return source


def _actions(source: str) -> set[str]:
    found = set()
    for rx in _ACTION_PATTERNS:
        found |= set(rx.findall(source))
    for group in _ACTION_TUPLE.findall(source):
        found |= set(re.findall(r'"([\w-]+)"', group))
    return found


def api_write_operations() -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, item in openapi_schema()["paths"].items()
        for method in item
        if method in WRITE_METHODS
    ]


def page_write_operations() -> list[str]:
    """`PAGE <url name>` for every page whose view handles POST, `PAGE <url name> <action>` for
    each action a view dispatches on (a URL kwarg or an `action` / `step` field)."""
    ops = []
    for _route, name, pattern in page_routes():
        source = _view_source(pattern.callback)
        if "POST" not in inspect.getsource(inspect.unwrap(pattern.callback)):
            continue
        actions = set(EXTRA_PAGE_ACTIONS.get(name, ())) | _actions(source)
        ops += [f"PAGE {name} {action}" for action in sorted(actions)] or [f"PAGE {name}"]
    return ops


def test_every_write_operation_has_an_expected_answer():
    covered = {case.op for case in (*API_CASES, *PAGE_CASES)}
    ops = api_write_operations() + page_write_operations()
    assert len(ops) > 100, "the walk found almost no write operations"
    missing = [op for op in ops if op not in covered]
    assert not missing, "\n".join(f"no expected answer for {op}: add one to tests/authority_table.py" for op in missing)
    stale = sorted(covered - set(ops))
    assert not stale, "cases for operations that no longer exist:\n" + "\n".join(stale)


# ---------------------------------------------------------------------------------------------
# Calling one case


def username(role: str) -> str:
    return WIDE_USERNAME if role == "wide" else role


def widen_scope() -> None:
    from staff.models import Person
    from staff.scope import DataScope

    Person.objects.filter(user__username=WIDE_USERNAME).update(data_scope=DataScope.ALL)


def _user(role: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_related("person").get(username=username(role))
    forget_viewer(user)
    return user


def row_snapshot(obj) -> dict:
    if obj is None or not hasattr(obj, "_meta"):
        return {}
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    return {} if fresh is None else model_to_dict(fresh)


def counts(labels) -> dict[str, int]:
    return {label: apps.get_model(label)._default_manager.count() for label in labels}


def _path_model_label(path: str) -> str | None:
    try:
        _cls, model = viewset_model(path)
    except Exception:
        return None
    return model._meta.label if model is not None else None


def call_api(case: Case, role: str, obj, body: dict):
    method, path = case.op.split(" ", 1)
    url = path.replace("{id}", str(obj.pk)) if "{id}" in path else path
    if case.op == LOGIN_OP:
        return Client().post(url, data=json.dumps(body), content_type="application/json")
    token, _ = Token.objects.get_or_create(user=_user(role))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def call_page(case: Case, role: str, obj, body: dict):
    parts = case.op.split()
    name = parts[1]
    kwargs = dict(case.kwargs)
    try:
        # The object goes into the URL when the page takes one (a grid cell names it in the body).
        url = reverse(name, kwargs={**kwargs, "pk": obj.pk}) if obj is not None and hasattr(obj, "pk") else None
    except NoReverseMatch:
        url = None
    client = Client()
    client.force_login(_user(role))
    return client.post(url or reverse(name, kwargs=kwargs), data=body)


def answer_of(response, *, page: bool) -> str:
    """`ok`, or the refusal: a status code; for a page, a form shown again with its errors (200 or
    400 to a POST) is `400`, and a redirect that carries an error message is `302+error`."""
    code = response.status_code
    if not page:
        return "ok" if 200 <= code < 300 else str(code)
    if code in (301, 302, 303) and "/login/" not in response.get("Location", ""):
        errors = [m for m in get_messages(response.wsgi_request) if m.level >= messages.ERROR]
        return "302+error" if errors else "ok"
    if code == 200 and not response.get("Content-Type", "").startswith("text/html"):
        return "ok"  # a file answered to the POST (the payroll export)
    context = getattr(response, "context", None)
    if code == 200 and context is not None and "row" in context and "error" in context:
        # The grid's htmx cell answers its row again, with the service's refusal if any.
        return "400" if context["error"] else "ok"
    if code in (200, 400):
        return "400"
    return "ok" if 200 < code < 300 else str(code)


def _page_errors(response) -> str:
    return "; ".join(str(m) for m in get_messages(response.wsgi_request) if m.level >= messages.ERROR)


def _detail(response) -> str:
    if response.get("Content-Type", "").startswith("text/html"):
        errors = _page_errors(response) if hasattr(response, "wsgi_request") else ""
        if errors:
            return errors[:300]
        form_errors = [
            json.dumps(value.errors, ensure_ascii=False)
            for context in (response.context or ())
            for value in (context.flatten() if hasattr(context, "flatten") else context).values()
            if hasattr(value, "errors") and hasattr(value, "is_bound") and value.is_bound and value.errors
        ]
        if form_errors:
            return "form errors: " + " ".join(form_errors)[:300]
    try:
        return json.dumps(response.json(), ensure_ascii=False)[:300]
    except Exception:
        return response.content[:200].decode(errors="replace")


def run_case(case: Case, role: str) -> None:
    widen_scope()
    page = case.op.startswith("PAGE ")
    obj = case.obj() if case.obj is not None else None
    body = {"username": username(role), "password": "demo1234"} if case.op == LOGIN_OP else case.make_body(obj)
    watch = set(case.watch)
    if obj is not None and hasattr(obj, "_meta"):
        watch.add(obj._meta.label)
    elif not page:
        label = _path_model_label(case.op.split(" ", 1)[1])
        if label:
            watch.add(label)
    before_row, before_counts = row_snapshot(obj), counts(sorted(watch))
    response = (call_page if page else call_api)(case, role, obj, body)
    expected, got = case.expected(role), answer_of(response, page=page)
    where = f"{case.op} [{case.variant}] as {role}"
    assert got == expected, (
        f"{where}: expected {expected}, got {got} ({response.status_code}: {_detail(response)})\n  why: {case.why}"
    )
    if got != "ok":
        assert row_snapshot(obj) == before_row, f"{where}: refused ({got}) but the object's row changed"
        assert counts(sorted(watch)) == before_counts, f"{where}: refused ({got}) but rows were written"


def _params(cases):
    return [pytest.param(case, role, id=f"{case.op} [{case.variant}] {role}") for case in cases for role in ROLES6]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "role"), _params(API_CASES))
def test_api_authority(world, case, role):
    run_case(case, role)


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "role"), _params(PAGE_CASES))
def test_page_authority(world, case, role):
    run_case(case, role)
