"""Celery tasks of the customers app (thin: each calls a service). Areas add theirs here."""
