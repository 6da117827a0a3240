from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self) -> None:
        from staff.registry import register_person_page

        register_person_page("appraisal:person-history", _("Appraisal history"), order=20)

        from appraisal.receivers import refuse_refiling_approved_periods
        from staff.signals import membership_changed

        membership_changed.connect(refuse_refiling_approved_periods, dispatch_uid="appraisal.refuse_refiling")

        from appraisal import inbox

        inbox.register_source()
