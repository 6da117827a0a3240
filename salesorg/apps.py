from django.apps import AppConfig


class SalesorgConfig(AppConfig):
    name = "salesorg"
    verbose_name = "Sales organization"
