"""Admin of the customers app."""

from customers.admin import accounts, locations  # noqa: F401
