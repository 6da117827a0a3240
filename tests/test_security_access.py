"""Nobody sees what is not theirs: a URL walk and an access matrix over every app.

The world is the demo data set (`tests/security_world.py`: `seed_demo --size 12 --seed 7`, built once
for the module and rolled back after it). The roles are the demo logins admin, director, rm01, tm01
and rep01.

The walk adapts to endpoints as they appear:
- every page URL pattern (skipping admin, static, media, API docs/schema, language, login, logout)
  and every OpenAPI path: anonymous requests go to the login page (pages) or get 401 (API);
- every detail route (an int `pk` / `{id}`): an object the rep cannot see answers 404 to GET, and
  writes (POST/PATCH/PUT/DELETE) on it change nothing. The model comes from the DRF viewset, or for
  a page from `PAGE_MODELS` below. A new parameterised page that is in neither fails the test with
  "no cross-scope case for <url name>: add one", so an endpoint without coverage fails CI.
The matrix: every role x every scoped model with an API list: the list returns exactly
`Model.objects.visible_to(user)`; the admin changelist of every scoped model is scoped the same way.
"""

from __future__ import annotations

import warnings

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.authtoken.models import Token
from rest_framework.viewsets import ViewSetMixin

from staff.scope import ScopedQuerySet, forget_viewer
from tests.security_world import ROLES

# favicon.ico is a public asset, like static/.
SKIP_PREFIXES = ("admin/", "static/", "media/", "api/", "language/", "login/", "logout/", "favicon.ico", "__")

# Page URL name -> (model label or None, extra URL kwargs, why None). None = the object is not
# scoped (a shared catalogue, an org-wide run): any logged-in user may open it.
PAGE_MODELS: dict[str, tuple[str | None, dict, str]] = {
    "staff:person-detail": ("staff.Person", {}, ""),
    "staff:team-detail": ("staff.Team", {}, ""),
    "staff:region-detail": ("staff.Region", {}, ""),
    "staff:opening-detail": ("staff.Opening", {}, ""),
    "staff:candidate-detail": ("staff.Candidate", {}, ""),
    "staff:person-pass-probation": ("staff.Person", {}, ""),
    "staff:person-transfer": ("staff.Person", {}, ""),
    "staff:person-promote": ("staff.Person", {}, ""),
    "staff:person-change-manager": ("staff.Person", {}, ""),
    "staff:person-warn": ("staff.Person", {}, ""),
    "staff:person-dismiss": ("staff.Person", {}, ""),
    "staff:person-handover": ("staff.Person", {}, ""),
    "staff:team-edit": ("staff.Team", {}, ""),
    "staff:region-edit": ("staff.Region", {}, ""),
    "customers:customer-detail": ("customers.Customer", {}, ""),
    "customers:customer-edit": ("customers.Customer", {}, ""),
    "customers:customer-transfer": ("customers.Customer", {}, ""),
    "customers:customer-classify": ("customers.Customer", {}, ""),
    "customers:customer-release": ("customers.Customer", {}, ""),
    "customers:evaluation-create": ("customers.Customer", {}, ""),
    "customers:stakeholder-create": ("customers.Customer", {}, ""),
    "customers:complaint-create": ("customers.Customer", {}, ""),
    "customers:reward-create": ("customers.Customer", {}, ""),
    "customers:stakeholder-change": ("customers.Stakeholder", {}, ""),
    "customers:pool-claim": (None, {}, "a region's pool is open to its people by a rule of its own (pool_q)"),
    "customers:pool-assign": (None, {}, "a region's pool is open to its people by a rule of its own (pool_q)"),
    "customers:pool-open-to-company": (None, {}, "a region's pool is open to its people by a rule of its own (pool_q)"),
    "fieldwork:plan-detail": ("fieldwork.VisitPlan", {}, ""),
    "fieldwork:plan-item-add": ("fieldwork.VisitPlan", {}, ""),
    "fieldwork:plan-item-remove": ("fieldwork.VisitPlan", {}, ""),
    "fieldwork:plan-submit": ("fieldwork.VisitPlan", {}, ""),
    "fieldwork:plan-decide": ("fieldwork.VisitPlan", {}, ""),
    "customers:follow-up-done": ("customers.FollowUp", {}, ""),
    "fieldwork:visit-detail": ("fieldwork.Visit", {}, ""),
    "fieldwork:visit-photo": ("fieldwork.VisitPhoto", {}, ""),
    "fieldwork:expense-receipt": ("fieldwork.ExpenseClaim", {}, ""),
    "fieldwork:visit-edit": ("fieldwork.Visit", {}, ""),
    "fieldwork:expense-decide": ("fieldwork.ExpenseClaim", {}, ""),
    "fieldwork:visit-check-out": ("fieldwork.Visit", {}, ""),
    "fieldwork:visit-confirm": ("fieldwork.Visit", {}, ""),
    "fieldwork:visit-comment": ("fieldwork.Visit", {}, ""),
    "fieldwork:visit-action-create": ("fieldwork.Visit", {}, ""),
    "fieldwork:visit-action-photo": ("fieldwork.VisitActionRecord", {}, ""),
    "customers:location-propose": ("customers.Customer", {}, ""),
    "customers:location-decide": ("customers.LocationProposal", {}, ""),
    "customers:complaint-update": ("customers.Complaint", {}, ""),
    "sales:order-detail": ("sales.Order", {}, ""),
    "sales:order-action": ("sales.Order", {"action": "cancel"}, ""),
    "sales:order-plan": ("sales.Order", {}, ""),
    "sales:order-history": ("sales.Order", {}, ""),
    "sales:payment-confirm": ("sales.Payment", {}, ""),
    "sales:opportunity-detail": ("sales.Opportunity", {}, ""),
    "sales:quotation-create": ("sales.Opportunity", {}, "a quotation from an opportunity in scope"),
    "sales:quotation-detail": ("sales.Quotation", {}, ""),
    "sales:quotation-edit": ("sales.Quotation", {}, ""),
    "sales:quotation-action": ("sales.Quotation", {"action": "accept"}, ""),
    "sales:import-detail": ("sales.ImportJob", {}, ""),
    "targets:detail": ("targets.Target", {}, ""),
    "targets:breakdown": ("targets.Target", {}, ""),
    "targets:allocate": ("targets.Target", {}, ""),
    "targets:template-edit": (None, {}, "distribution templates are a shared catalogue"),
    "targets:plan-detail": ("targets.SalesPlan", {}, ""),
    "targets:run-progress": (None, {}, "recompute runs are org-wide, they hold no person's data"),
    "training:course-detail": (None, {}, "the course catalogue is open to everyone"),
    "training:enrollment-result": ("training.Enrollment", {}, ""),
    "training:session-detail": ("training.CoachingSession", {}, ""),
    "training:action-detail": ("training.ActionItem", {}, ""),
    "training:report-detail": ("training.WorkReport", {}, ""),
    "training:suggestion-decide": ("training.TrainingSuggestion", {}, ""),
    "training:person-history": ("staff.Person", {}, ""),
    "training:review-detail": ("training.ReviewMeeting", {}, ""),
    "appraisal:period-detail": ("appraisal.AppraisalPeriod", {}, ""),
    "appraisal:period-export": ("appraisal.AppraisalPeriod", {}, ""),
    "appraisal:period-ranking": ("appraisal.AppraisalPeriod", {}, ""),
    "appraisal:period-action": ("appraisal.AppraisalPeriod", {"step": "close"}, ""),
    "appraisal:scorecard-detail": ("appraisal.Scorecard", {}, ""),
    "appraisal:statement-detail": ("appraisal.CommissionStatement", {}, ""),
    "appraisal:action-add": ("appraisal.Scorecard", {}, ""),
    "appraisal:outcome-add": ("appraisal.Scorecard", {}, ""),
    "appraisal:scorecard-step": ("appraisal.Scorecard", {"step": "approve"}, ""),
    "appraisal:person-history": ("staff.Person", {}, ""),
    "appraisal:contest-detail": ("appraisal.Contest", {}, ""),
    "appraisal:outcome-confirm": ("appraisal.Outcome", {}, ""),
}


# ---------------------------------------------------------------------------------------------
# Discovery


def _walk(patterns, prefix: str = "", ns: tuple = ()):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns + ((p.namespace,) if p.namespace else ()))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ":".join((*ns, p.name or "")), p


def page_routes() -> list[tuple[str, str, URLPattern]]:
    return [
        (route, name, p)
        for route, name, p in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIP_PREFIXES) and not route.startswith("^")
    ]


def page_params(p: URLPattern) -> dict[str, str]:
    return {k: type(v).__name__ for k, v in getattr(p.pattern, "converters", {}).items()}


_SCHEMA: dict | None = None


def openapi_schema() -> dict:
    global _SCHEMA
    if _SCHEMA is None:
        from drf_spectacular.generators import SchemaGenerator

        _SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
    return _SCHEMA


def api_operations() -> list[tuple[str, str]]:
    ops = []
    for path, item in openapi_schema()["paths"].items():
        if path.startswith(("/api/v1/schema", "/api/v1/docs", "/api/v1/auth/")):
            continue
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                ops.append((path, method))
    return ops


def is_scoped(model: type[models.Model]) -> bool:
    return isinstance(model._default_manager.all(), ScopedQuerySet)


def scoped_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if is_scoped(m)]


def viewset_model(path: str):
    """The model behind an API path (through its viewset), or None."""
    concrete = path
    for param in _path_params(path):
        concrete = concrete.replace("{" + param + "}", "1")
    func = resolve(concrete).func
    cls = getattr(func, "cls", None)
    if cls is None:
        return None, None
    if getattr(cls, "queryset", None) is not None:
        return cls, cls.queryset.model
    from django.contrib.auth import get_user_model
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    view = cls()
    view.request = Request(APIRequestFactory().get(concrete))
    view.request.user = get_user_model().objects.get(username="admin")
    view.kwargs, view.format_kwarg, view.args = {}, None, ()
    view.action = (getattr(func, "actions", None) or {}).get("get", "list")
    try:
        return cls, view.get_queryset().model
    except Exception:
        return cls, None


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{([^}]+)}", path)


# ---------------------------------------------------------------------------------------------
# Helpers


def user(role: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.select_related("person").get(username=role)


def api_client(role: str) -> Client:
    token, _ = Token.objects.get_or_create(user=user(role))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def page_client(role: str) -> Client:
    client = Client()
    client.force_login(user(role))
    return client


# The scope lookups of models whose queryset overrides `visible_to` without `scope_fields`.
EXTRA_SCOPE_FIELDS = {"appraisal.AppraisalPeriod": {"person": "opened_by", "team": "team", "region": "region"}}


def invisible_object(model, role: str = "rep01", *, make: bool = True):
    """An object of `model` that `role` cannot see. When the demo world has none (every row is in
    the rep's scope, e.g. openings of the rep's own team), one is made by copying a row and moving
    its scope fields (person / team / region) to a unit in another region."""
    visible = model._default_manager.visible_to(user(role)).values("pk")
    found = model._default_manager.exclude(pk__in=visible).order_by("pk").first()
    if found is not None or not make:
        return found
    return _make_hidden(model, role)


def _make_hidden(model, role: str):
    from staff.models import Person

    me = user(role).person
    other = Person.objects.exclude(region=me.region).exclude(team__region=me.region).filter(team__isnull=False).first()
    source = model._default_manager.order_by("pk").first()
    if source is None or other is None:
        return None
    fields = dict(getattr(model._default_manager.all(), "scope_fields", {}) or {})
    fields = fields or EXTRA_SCOPE_FIELDS.get(model._meta.label, {})
    values = {"person": other, "team": other.team, "region": other.team.region}
    copy = model._default_manager.get(pk=source.pk)
    copy.pk = copy.id = None
    for kind, lookup in fields.items():
        if lookup == "id":
            return None  # the unit itself (Person/Team/Region): a hidden one exists in any world
        head, _sep, rest = lookup.partition("__")
        field = model._meta.get_field(head)
        if not rest:
            setattr(copy, head, values[kind])
        elif field.is_relation and kind == "person":
            target = invisible_object(field.related_model, role)
            if target is None:
                return None
            setattr(copy, head, target)
    for field in model._meta.fields:
        if field.unique and not field.primary_key and isinstance(field, (models.CharField, models.SlugField)):
            setattr(copy, field.name, (str(getattr(copy, field.name)) + "-x")[: field.max_length])
    if model._meta.label == "appraisal.CommissionDispute":
        # A dispute is on a line of its own statement, and a line holds one open dispute.
        line = copy.statement.lines.exclude(disputes__status="open").first()
        if line is not None:
            copy.line = line
        else:
            copy.status = "rejected"  # a closed dispute on the same line (one open per line)
    copy.save()
    visible = model._default_manager.visible_to(user(role))
    return None if visible.filter(pk=copy.pk).exists() else copy


def snapshot(obj) -> dict:
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    return {} if fresh is None else model_to_dict(fresh)


# ---------------------------------------------------------------------------------------------
# Anonymous


@pytest.mark.django_db
def test_anonymous_pages_redirect_to_login(world):
    client = Client()
    failures = []
    for _route, name, p in page_routes():
        kwargs = {k: (1 if kind == "IntConverter" else "x") for k, kind in page_params(p).items()}
        kwargs.update(PAGE_MODELS.get(name, (None, {}, ""))[1])
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 302 or not response["Location"].startswith("/login/"):
                failures.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
    assert not failures, "anonymous requests must be sent to the login page:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_api_gets_401(world):
    client = Client()
    failures = []
    for path, method in api_operations():
        url = path
        for param in _path_params(path):
            url = url.replace("{" + param + "}", "1")
        response = client.generic(method.upper(), url, data="{}", content_type="application/json")
        if response.status_code != 401:
            failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not failures, "anonymous API calls must answer 401:\n" + "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# Cross-scope: detail routes as the rep


@pytest.mark.django_db
def test_every_parameterised_page_has_a_cross_scope_case(world):
    missing = [
        name
        for route, name, p in page_routes()
        if any(kind == "IntConverter" for kind in page_params(p).values()) and name not in PAGE_MODELS
    ]
    assert not missing, "\n".join(f"no cross-scope case for {name}: add one to PAGE_MODELS" for name in missing)


@pytest.mark.django_db
def test_pages_answer_404_outside_scope_and_change_nothing(world):
    client = page_client("rep01")
    failures = []
    for _route, name, _p in page_routes():
        if name not in PAGE_MODELS:
            continue
        label, extra, _why = PAGE_MODELS[name]
        if label is None:
            continue
        model = apps.get_model(label)
        assert is_scoped(model), f"{label} (for {name}) has no ScopedQuerySet"
        if not model._default_manager.exists():
            # No rows of this model in the demo world: nothing to cross; its app's tests cover it.
            warnings.warn(f"{name}: the demo world has no {label}", stacklevel=1)
            continue
        obj = invisible_object(model)
        assert obj is not None, f"no cross-scope case for {name}: the world has no {label} hidden from rep01"
        url = reverse(name, kwargs={"pk": obj.pk, **extra})
        before = snapshot(obj)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"owner": user("rep01").person.pk, "status": "approved"})
            # 405: a POST-only view refuses GET before any lookup (nothing is read).
            if response.status_code not in (404, 405):
                failures.append(f"{method.upper()} {url} ({name}, {label} #{obj.pk}) -> {response.status_code}")
        if snapshot(obj) != before:
            failures.append(f"{name}: {label} #{obj.pk} changed through an out-of-scope request")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["staff.Opening", "staff.Candidate", "staff.SelectionStep"])
def test_the_world_holds_recruitment_on_both_sides_of_the_scope(world, label):
    """The demo seeds recruitment, so the walks above cross its scope on real rows: the rep sees
    none of it (not their hiring), the team manager their team's, never another team's."""
    model = apps.get_model(label)
    assert invisible_object(model, "rep01", make=False) is not None
    assert not model._default_manager.visible_to(user("rep01")).exists()
    assert model._default_manager.visible_to(user("tm01")).exists()
    assert invisible_object(model, "tm01", make=False) is not None


@pytest.mark.django_db
def test_api_detail_answers_404_outside_scope_and_changes_nothing(world):
    client = api_client("rep01")
    failures = []
    detail_ops = [(path, method) for path, method in api_operations() if _path_params(path)]
    for path, method in detail_ops:
        params = _path_params(path)
        cls, model = viewset_model(path)
        if model is None:
            failures.append(f"no cross-scope case for {path}: its model cannot be resolved; add one")
            continue
        if not is_scoped(model):
            continue
        if len(params) != 1:
            failures.append(f"no cross-scope case for {path}: several parameters; add one")
            continue
        if not model._default_manager.exists():
            warnings.warn(f"{path}: the demo world has no {model._meta.label}", stacklevel=1)
            continue
        obj = invisible_object(model)
        if obj is None:
            failures.append(f"no cross-scope case for {path}: the world has no {model.__name__} hidden from rep01")
            continue
        url = path.replace("{" + params[0] + "}", str(obj.pk))
        before = snapshot(obj)
        payload = '{"owner": 1, "status": "approved", "amount": "1.00", "note": "x"}'
        response = client.generic(method.upper(), url, data=payload, content_type="application/json")
        # A write may be refused before the lookup (400/403: "only managers may ...") as long as
        # nothing changes; a read must be a plain 404.
        allowed = {404} if method == "get" else {400, 403, 404, 405}
        if response.status_code not in allowed:
            failures.append(f"{method.upper()} {url} ({model.__name__} #{obj.pk}) -> {response.status_code}")
        if snapshot(obj) != before:
            failures.append(f"{method.upper()} {url}: {model.__name__} #{obj.pk} changed out of scope")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# The access matrix: lists equal visible_to(user)


def _list_ids(client: Client, path: str) -> list[int]:
    ids: list[int] = []
    url = f"{path}?page_size=500"
    for _ in range(50):
        response = client.get(url)
        assert response.status_code == 200, f"{url} -> {response.status_code}"
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids += [row["id"] for row in rows]
        url = body.get("next") if isinstance(body, dict) else None
        if not url:
            break
    return ids


# Lists that by design show a subset of the visible rows (a default filter); the matrix then
# checks "no row outside scope" rather than equality. Keep the reason next to each.
SUBSET_LISTS: dict[str, str] = {}


def _pools_seen(model, u):
    """Issue 19, written from the rule: the pool of one's region and the company pool; a scope of
    all (or an admin) sees every pool."""
    from django.db.models import Q

    from staff.models import DEFAULT_SCOPE

    rows = model._default_manager.filter(owner__isnull=True)
    person = getattr(u, "person", None)
    if u.is_superuser or (person is not None and (person.data_scope or DEFAULT_SCOPE[person.position]) == "all"):
        return rows
    return rows.filter(Q(region__isnull=True) | Q(in_company_pool=True) | Q(region=person.region_id))


# Lists under a rule of their own rather than the data scope: path -> (reason, the expected rows).
OWN_RULE_LISTS = {
    "/api/v1/customer-pool/": (
        "the pools: customers without an owner, in the viewer's region's pool or the company pool"
        " (everything with a scope of all)",
        _pools_seen,
    ),
}


def _api_list_paths() -> list[tuple[str, type[models.Model]]]:
    out = []
    for path, method in api_operations():
        if method != "get" or _path_params(path):
            continue
        cls, model = viewset_model(path)
        if cls is None or model is None or not issubclass(cls, ViewSetMixin) or not is_scoped(model):
            continue
        func = resolve(path).func
        if (getattr(func, "actions", None) or {}).get("get") != "list":
            continue
        out.append((path, model))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_lists_return_exactly_the_visible_rows(world, role):
    client = api_client(role)
    failures = []
    paths = _api_list_paths()
    assert paths, "no scoped API list found"
    for path, model in paths:
        ids = _list_ids(client, path)
        if path in OWN_RULE_LISTS:
            expected = set(OWN_RULE_LISTS[path][1](model, user(role)).values_list("pk", flat=True))
            if set(ids) != expected:
                failures.append(f"{path}: does not follow its own rule ({OWN_RULE_LISTS[path][0]})")
            continue
        visible = set(model._default_manager.visible_to(user(role)).values_list("pk", flat=True))
        outside = set(ids) - visible
        if outside:
            failures.append(
                f"{path}: {len(outside)} {model.__name__} rows outside {role}'s scope: {sorted(outside)[:5]}"
            )
        if len(ids) != len(set(ids)):
            failures.append(f"{path}: duplicate rows in the list")
        if path not in SUBSET_LISTS and set(ids) != visible:
            failures.append(f"{path}: {len(visible - set(ids))} visible {model.__name__} rows missing for {role}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_scope_differs_between_roles(world):
    """The matrix is not vacuous: the rep sees less than the team manager, who sees less than the director."""
    from customers.models import Customer

    counts = {role: Customer.objects.visible_to(user(role)).count() for role in ROLES}
    assert 0 < counts["rep01"] < counts["tm01"] <= counts["rm01"] < counts["director"] == counts["admin"]


def _staff_with_all_permissions(role: str):
    u = user(role)
    u.is_staff = True
    u.save(update_fields=["is_staff"])
    u.user_permissions.set(Permission.objects.all())
    return u


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "tm01"])
def test_admin_changelists_are_scoped(world, role):
    """The admin changelist of every scoped model holds exactly the visible rows; change pages of
    out-of-scope rows answer 404 (tm01 is made staff with every permission for this test)."""
    u = _staff_with_all_permissions(role) if role != "admin" else user(role)
    client = Client()
    client.force_login(u)
    failures = []
    for model, _model_admin in admin.site._registry.items():
        if not is_scoped(model):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{url} -> {response.status_code}")
            continue
        shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
        visible = set(model._default_manager.visible_to(user(role)).values_list("pk", flat=True))
        if shown != visible:
            failures.append(f"{url}: {len(shown - visible)} rows outside scope, {len(visible - shown)} missing")
        hidden = invisible_object(model, role, make=False)
        if hidden is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[hidden.pk])
            before = snapshot(hidden)
            for method in ("get", "post"):
                r = getattr(client, method)(change)
                if r.status_code != 404:
                    failures.append(f"{method.upper()} {change} (out of scope) -> {r.status_code}")
            if snapshot(hidden) != before:
                failures.append(f"{change}: changed out of scope")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["director", "rm01", "tm01", "rep01"])
def test_non_staff_roles_cannot_open_the_admin(world, role):
    client = page_client(role)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# Protected fields and role changes


@pytest.mark.django_db
def test_rep_cannot_move_own_customer_to_someone_else(world):
    from customers.models import Customer

    rep = user("rep01")
    customer = Customer.objects.filter(owner=rep.person).first()
    assert customer is not None
    other = user("tm01").person
    before = snapshot(customer)
    client = api_client("rep01")
    url = f"/api/v1/customers/{customer.pk}/"
    for field, value in (("owner", other.pk), ("team", other.team_id), ("region", other.region_id)):
        response = client.patch(url, data={field: value}, content_type="application/json")
        assert response.status_code in (200, 400, 403, 405), (field, response.status_code)
    after = snapshot(customer)
    for field in ("owner", "team", "region"):
        assert after[field] == before[field], f"a rep changed {field} of their own customer"


@pytest.mark.django_db
def test_rep_cannot_change_amounts_or_owner_of_a_confirmed_order(world):
    from sales.models import Order

    rep = user("rep01")
    order = Order.objects.visible_to(rep).exclude(status__in=["draft", "pending"]).first()
    if order is None:
        pytest.fail("the world has no confirmed order visible to rep01: add one to the demo seeder")
    before = snapshot(order)
    client = api_client("rep01")
    for field, value in (("amount", "1.00"), ("rep", user("tm01").person.pk), ("customer", 1), ("team", 1)):
        client.patch(f"/api/v1/orders/{order.pk}/", data={field: value}, content_type="application/json")
    after = snapshot(order)
    for field in ("amount", "rep", "customer", "team"):
        if field in before:
            assert after[field] == before[field], f"a rep changed {field} of a confirmed order"


@pytest.mark.django_db
def test_rep_cannot_change_own_target_or_approved_scorecard(world):
    from appraisal.models import Scorecard
    from targets.models import Target

    rep = user("rep01")
    client = api_client("rep01")
    target = Target.objects.visible_to(rep).first()
    checked = 0
    if target is not None:
        before = snapshot(target)
        client.patch(f"/api/v1/targets/{target.pk}/", data={"value": "1.00"}, content_type="application/json")
        assert snapshot(target)["value"] == before["value"]
        checked += 1
    card = Scorecard.objects.visible_to(rep).filter(status="approved").first()
    if card is not None:
        before = snapshot(card)
        client.patch(f"/api/v1/scorecards/{card.pk}/", data={"total_score": "100.00"}, content_type="application/json")
        assert snapshot(card) == before
        checked += 1
    assert checked, "neither a target nor an approved scorecard visible to rep01 in the world"


@pytest.mark.django_db
def test_a_role_change_applies_on_the_next_request(world):
    from customers.models import Customer
    from staff.scope import DataScope

    rep = user("rep01")
    client = api_client("rep01")
    own = set(Customer.objects.visible_to(rep).values_list("pk", flat=True))
    assert set(_list_ids(client, "/api/v1/customers/")) == own

    person = rep.person
    person.data_scope = DataScope.OWN_UNIT
    person.save(update_fields=["data_scope"])
    forget_viewer(rep)
    team_wide = set(Customer.objects.visible_to(user("rep01")).values_list("pk", flat=True))
    assert team_wide > own, "the world's team has customers of other reps"
    assert set(_list_ids(client, "/api/v1/customers/")) == team_wide

    person.data_scope = DataScope.SELF
    person.save(update_fields=["data_scope"])
    assert set(_list_ids(client, "/api/v1/customers/")) == own


@pytest.mark.django_db
def test_a_person_who_left_sees_nothing(world):
    from customers.models import Customer

    client = api_client("rep01")
    assert _list_ids(client, "/api/v1/customers/")
    person = user("rep01").person
    person.status = "left"
    person.save(update_fields=["status"])
    response = client.get("/api/v1/customers/?page_size=500")
    assert response.status_code in (200, 401, 403)
    if response.status_code == 200:
        assert response.json()["results"] == []
    assert Customer.objects.visible_to(user("rep01")).count() == 0
