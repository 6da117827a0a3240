"""API plumbing shared by every app: pagination and the error handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from salesorg.exceptions import ApplicationError


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # The ceiling: no client can ask for the whole table in one page.
    max_page_size = 500


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn domain and model validation errors into 400 answers naming each bad field."""
    if isinstance(exc, ApplicationError):
        detail: dict[str, Any] = {"detail": exc.message}
        detail.update(
            {field: messages if isinstance(messages, list) else [messages] for field, messages in exc.fields.items()}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_exception_handler(exc, context)
