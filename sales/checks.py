"""System checks of the sales settings (run by `manage.py check` and at every start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def order_number_format(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """ORDER_NUMBER_FORMAT gives a number from `year`, `month` and `seq`, with `seq` last."""
    fmt = settings.ORDER_NUMBER_FORMAT
    try:
        sample = fmt.format(year=2026, month=3, seq=12)
        valid = "{seq" in fmt and fmt[: fmt.index("{seq")].format(year=2026, month=3) in sample
        valid = valid and fmt[fmt.index("{seq") :].count("{") == 1 and fmt.endswith("}")
    except (KeyError, IndexError, ValueError):
        valid = False
    if valid:
        return []
    return [
        Error(
            f"ORDER_NUMBER_FORMAT {fmt!r} must end with the sequence {{seq}}"
            " (e.g. 'SO{year}{month:02d}-{seq:05d}') and use only {year}, {month} and {seq}.",
            id="sales.E001",
        )
    ]
