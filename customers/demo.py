"""Demo data of the customers app for `seed_demo`."""

from customers.demo_accounts import seed  # noqa: F401
