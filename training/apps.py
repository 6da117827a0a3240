from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from staff.signals import person_hired
        from training.receivers import enroll_new_hire

        person_hired.connect(enroll_new_hire, dispatch_uid="training.enroll_new_hire")
