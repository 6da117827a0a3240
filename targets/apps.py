from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self) -> None:
        # Field work shows the `expenses` budget when a claim is approved; the targets are ours.
        from fieldwork.budget import register_budget_provider
        from targets.budget import expense_budget_targets

        register_budget_provider(expense_budget_targets)

        from targets import inbox

        inbox.register_source()
