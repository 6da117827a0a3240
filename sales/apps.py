from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = pgettext_lazy("app", "Sales")

    def ready(self) -> None:
        from sales import hooks

        hooks.register()
