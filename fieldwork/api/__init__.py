"""API of field work: visits, expense claims, intelligence notes."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from fieldwork.api.plans import register as register_plans
    from fieldwork.api.views import register as register_views

    register_views(router)
    register_plans(router)
