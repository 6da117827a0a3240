"""What the sales API's serializers and views share: relation fields and the write permission."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from sales import selectors as selectors
from salesorg.api import ScopedPrimaryKeyRelatedField
from staff import authority

POSITIVE = Decimal("0.01")


class CatalogueRelatedField(ScopedPrimaryKeyRelatedField):
    """A shared catalogue (products, pipeline stages, competitors): every user sees all of it."""

    def get_queryset(self):
        return self.queryset.all()


class CreditablePersonField(ScopedPrimaryKeyRelatedField):
    """A rep named on a credit share or as an owner: the people in the user's scope and their team."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.creditable_people(user=getattr(request, "user", None))


class RuleForWrites(permissions.BasePermission):
    """A write is refused (403, the rule's message) before its body is read when the view's rule
    refuses the user; the service asks the same rule again before it writes."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in permissions.SAFE_METHODS:
            authority.require(request.user, view.write_rule)
        return True
