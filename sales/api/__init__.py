"""API of the sales app: products, pipeline, orders, payment plans, payments, receivables, imports."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from sales.api.views import register as register_views

    register_views(router)
