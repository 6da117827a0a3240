from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from customers.receivers import hand_over_customers
        from customers.views.locations import register as register_location_panel
        from staff.signals import person_handed_over

        register_location_panel()
        person_handed_over.connect(hand_over_customers, dispatch_uid="customers.hand_over_customers")
