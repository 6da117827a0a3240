"""API plumbing shared by every app: pagination and the error handler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, renderers, serializers, status
from rest_framework.authtoken import views as authtoken_views
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from salesorg.exceptions import ApplicationError, NotAllowed
from salesorg.paging import PREFETCHED, CappedPaginator


class Pagination(pagination.PageNumberPagination):
    """Pages of 50 (up to 500 by `page_size`). The count stops past `LIST_COUNT_CAP` rows
    (salesorg.paging): `count_exact` says whether `count` is the total or a floor; `next` is
    there whenever another page is."""

    page_size = 50
    page_size_query_param = "page_size"
    # The ceiling: no client can ask for the whole table in one page.
    max_page_size = 500
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["count"]["description"] = (
            "The number of rows; a floor when count_exact is false (the count stops past 10,000 rows)."
        )
        paged["properties"]["count_exact"] = {"type": "boolean", "description": "Whether count is the total."}
        paged["required"] = [*paged["required"], "count_exact"]
        return paged


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A writable relation that looks up only what the requesting user may see.

    The queryset's model must have a scoped manager (`visible_to`, the data-scope rule): an id
    outside the user's scope gets exactly the answer of an id that does not exist. Every writable
    relation of the API uses this (a plain `PrimaryKeyRelatedField(queryset=Model.objects.all())`
    is how unscoped lookups slip in).
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(getattr(request, "user", None))


def prefetched_or_all(instance: Any, relation: str) -> Any:
    """The rows `salesorg.paging.prefetched()` left on `instance` for `relation`, or the relation's
    rows read now (an instance read without the prefetch, e.g. after a write)."""
    rows = getattr(instance, f"{PREFETCHED}{relation}", None)
    return rows if rows is not None else getattr(instance, relation).all()


class PrefetchedListSerializer(serializers.ListSerializer):
    """A nested list that reads the rows `prefetched()` left on the parent when they are there, and
    the relation itself otherwise."""

    def get_attribute(self, instance: Any) -> Any:
        rows = getattr(instance, f"{PREFETCHED}{self.source}", None)
        return rows if rows is not None else super().get_attribute(instance)


class PrefetchedManyRelatedField(serializers.ManyRelatedField):
    """A read-only list of related ids that reads the rows `prefetched()` left on the instance when
    they are there, and the relation itself otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        rows = getattr(instance, f"{PREFETCHED}{self.source}", None)
        return rows if rows is not None else super().get_attribute(instance)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn domain and model validation errors into 400 answers naming each bad field."""
    if isinstance(exc, ApplicationError):
        detail: dict[str, Any] = {"detail": exc.message}
        detail.update(
            {field: messages if isinstance(messages, list) else [messages] for field, messages in exc.fields.items()}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, NotAllowed):
        # In scope but not allowed: 403 with the rule's message saying who may.
        exc = exceptions.PermissionDenied(detail=exc.message, code=NotAllowed.code)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_exception_handler(exc, context)


class ObtainAuthToken(authtoken_views.ObtainAuthToken):
    """`POST /api/v1/auth/token/` with username and password answers `{"token": ...}`.

    django-axes guards it like the login pages: after repeated failures for an account the
    endpoint answers 429 until the cool-off has passed, even with the right password.
    """

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not isinstance(request.data, Mapping):
            # A JSON array or scalar is not a log-in: name the fields the endpoint needs.
            message = _("Send an object with a username and a password.")
            return Response(
                {"detail": message, "username": [message], "password": [message]}, status=status.HTTP_400_BAD_REQUEST
            )
        credentials = {"username": str(request.data.get("username", ""))}
        # django-axes keys its attempt records on the plain HttpRequest, as on the login page.
        http_request = request._request
        if not AxesProxyHandler.is_allowed(http_request, credentials):
            return self._locked_out()
        serializer = self.serializer_class(data=request.data, context={"request": http_request})
        try:
            valid = serializer.is_valid()
        except PermissionDenied:
            # The axes backend refuses a locked-out account during authentication.
            return self._locked_out()
        if not valid:
            # Answered without raising: DRF's exception path would roll back the request's
            # transaction (ATOMIC_REQUESTS) and with it axes' record of this failure.
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @staticmethod
    def _locked_out() -> Response:
        return Response(
            {"detail": _("Too many failed log-in attempts: this account is locked for a while.")},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )


def scoped_field(model_queryset: QuerySet, **kwargs: Any) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=model_queryset, **kwargs)


def request_data(request: Request) -> dict[str, Any]:
    """request.data as a plain dict, with repeated multipart keys as lists; a body that is not an
    object (a JSON array, a number) is a 400, never a 500."""
    data = request.data
    if hasattr(data, "getlist"):
        plain = {key: data.get(key) for key in data}
        for key in ("stakeholders", "photos"):
            if key in data:
                plain[key] = [v for v in data.getlist(key) if v != ""]
        return plain
    if not isinstance(data, Mapping):
        message = _("Invalid data. Expected a dictionary, but got %(datatype)s.") % {"datatype": type(data).__name__}
        raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
    return dict(data)


def validated(
    serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    serializer = serializer_class(data=request_data(request), partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AnyFileRenderer(renderers.JSONRenderer):
    """Lets a download action answer a client that accepts only the file's type (`Accept:
    image/png`); the file itself is a Django response, errors are JSON."""

    media_type = "*/*"
    format = "file"


FILE_RENDERERS = [renderers.JSONRenderer, AnyFileRenderer]
