"""Admin of the customers app."""

from customers.admin import accounts  # noqa: F401
