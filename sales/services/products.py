"""Writes for the product catalogue: the company's, edited by a director or an admin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sales.models import Product
from salesorg.exceptions import ApplicationError
from staff import authority


def _check_product_prices(list_price: Decimal, unit_cost: Decimal) -> None:
    if list_price < 0:
        raise ApplicationError(_("The list price cannot be negative."), fields={"list_price": [_("Must be >= 0.")]})
    if unit_cost < 0:
        raise ApplicationError(_("The unit cost cannot be negative."), fields={"unit_cost": [_("Must be >= 0.")]})


@transaction.atomic
def product_create(
    *,
    code: str,
    name: str,
    product_line: str,
    list_price: Decimal,
    unit_cost: Decimal,
    is_active: bool = True,
    user: Any = None,
) -> Product:
    if user is not None:
        authority.require(user, "catalogue.products")
    _check_product_prices(list_price, unit_cost)
    if Product.objects.filter(code=code).exists():
        raise ApplicationError(_("A product with this code exists."), fields={"code": [_("Already used.")]})
    return Product.objects.create(
        code=code,
        name=name,
        product_line=product_line,
        list_price=list_price,
        unit_cost=unit_cost,
        is_active=is_active,
    )


@transaction.atomic
def product_update(*, product: Product, user: Any = None, **changes: Any) -> Product:
    if user is not None:
        authority.require(user, "catalogue.products", product)
    allowed = {"name", "product_line", "list_price", "unit_cost", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed."), fields={f: [_("Read-only.")] for f in unknown})
    for field, value in changes.items():
        setattr(product, field, value)
    _check_product_prices(product.list_price, product.unit_cost)
    product.save(update_fields=list(changes))
    return product
