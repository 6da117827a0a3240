"""API of the customers app."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from customers.api.accounts import register as register_accounts
    from customers.api.locations import register as register_locations

    register_accounts(router)
    register_locations(router)
