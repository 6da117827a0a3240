"""Admin of the customers app, one module per area."""

import importlib

for _area in ("accounts", "sales"):
    try:
        importlib.import_module(f"customers.admin.{_area}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"customers.admin.{_area}":
            raise
