from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = pgettext_lazy("app", "Sales")

    def ready(self) -> None:
        from sales import checks, hooks, inbox  # noqa: F401 - checks registers itself
        from sales.receivers import hand_over_opportunities, refile_shares
        from staff.signals import membership_changed, person_handed_over

        hooks.register()
        inbox.register_source()
        person_handed_over.connect(hand_over_opportunities, dispatch_uid="sales.hand_over_opportunities")
        membership_changed.connect(refile_shares, dispatch_uid="sales.refile_shares")
