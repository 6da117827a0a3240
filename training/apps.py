from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from staff.registry import register_person_page
        from staff.signals import person_hired
        from training.receivers import enroll_new_hire

        person_hired.connect(enroll_new_hire, dispatch_uid="training.enroll_new_hire")
        register_person_page("training:person-history", _("Development history"), order=10)

        from customers.visit_actions import register_visit_action
        from training.visit_actions import joint_visit_review_action

        register_visit_action(joint_visit_review_action)
