from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from customers.receivers import hand_over_customers
        from staff.signals import person_handed_over

        person_handed_over.connect(hand_over_customers, dispatch_uid="customers.hand_over_customers")
