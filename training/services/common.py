"""Helpers the training services share."""

from __future__ import annotations

from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError


def require_text(value: str, *, field: str) -> str:
    if not value or not value.strip():
        raise ApplicationError(_("This field is required."), fields={field: [_("This field is required.")]})
    return value.strip()
