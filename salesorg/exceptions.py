"""The one domain error type. Services raise it; the API handler and form helper turn it into 400s."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class ApplicationError(Exception):
    """A refused change: a message, and per-field messages when a field is to blame."""

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def add_error_to_form(form: Any, error: ApplicationError) -> None:
    """Show a service's refusal on a Django form, field by field where the service named fields."""
    placed = False
    for field, messages in error.fields.items():
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            if isinstance(message, dict):
                # One row of a list (a plan's instalment): its own messages, on the list's field.
                for row_messages in message.values():
                    for row_message in row_messages if isinstance(row_messages, list | tuple) else [row_messages]:
                        form.add_error(field if field in form.fields else None, str(row_message))
                        placed = True
                continue
            form.add_error(field if field in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


class NotAllowed(PermissionDenied):
    """In scope but not allowed (the authority rule, `staff/authority/`): answered 403 with a
    message that says who may."""

    code = "not_allowed"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
