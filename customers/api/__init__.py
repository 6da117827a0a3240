"""API of the customers app."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from customers.api.accounts import register as register_accounts

    register_accounts(router)
