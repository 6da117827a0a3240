from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """No models: the `seed_demo` command, which calls each app's own `demo.seed`."""

    name = "demo"
    verbose_name = _("Demo data")
