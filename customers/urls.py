"""Pages of the customers app: each area module contributes its urlpatterns."""

import importlib

app_name = "customers"
urlpatterns: list = []

for _area in ("accounts", "sales"):
    try:
        urlpatterns += importlib.import_module(f"customers.views.{_area}").urlpatterns
    except ModuleNotFoundError as _exc:
        if _exc.name != f"customers.views.{_area}":
            raise
