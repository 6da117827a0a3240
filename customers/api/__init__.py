"""API of the customers app: each area module registers its viewsets."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    import importlib

    for area in ("accounts", "sales"):
        try:
            module = importlib.import_module(f"customers.api.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"customers.api.{area}":
                raise
            continue
        module.register(router)
