"""Distribution templates: the company's catalogue of seasonality curves (rule targets.catalogue)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff import authority
from targets import domain
from targets.models import DistributionTemplate

EDITABLE_FIELDS = ("name", *DistributionTemplate.WEIGHT_FIELDS)


@transaction.atomic
def distribution_template_save(
    *, user: Any, data: Mapping[str, Any], template: DistributionTemplate | None = None
) -> DistributionTemplate:
    """Create a template (no `template`) or change the fields given in `data`."""
    authority.require(user, "targets.catalogue", template)
    template = template if template is not None else DistributionTemplate()
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name != "name" and Decimal(value) < 0:
            raise ApplicationError(_("A weight is 0 or more."), fields={name: [_("A weight is 0 or more.")]})
        setattr(template, name, value)
    if not domain.weights_sum_to_hundred(template.weights):
        total = sum((Decimal(w) for w in template.weights), Decimal(0))
        message = _("The 12 monthly weights are percentages of the year: they add up to 100 (now %(total)s).") % {
            "total": total.normalize()
        }
        raise ApplicationError(message, fields={"weights": [message]})
    if not (template.name or "").strip():
        raise ApplicationError(_("Give the template a name."), fields={"name": [_("This field is required.")]})
    if DistributionTemplate.objects.filter(name=template.name).exclude(pk=template.pk).exists():
        raise ApplicationError(
            _("A template with this name exists."), fields={"name": [_("A template with this name exists.")]}
        )
    template.save()
    return template


@transaction.atomic
def distribution_template_delete(*, user: Any, template: DistributionTemplate) -> None:
    authority.require(user, "targets.catalogue", template)
    template.delete()
