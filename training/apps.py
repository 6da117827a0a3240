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

        from staff.signals import person_handed_over
        from training.receivers import hand_over_action_items

        person_handed_over.connect(hand_over_action_items, dispatch_uid="training.hand_over_action_items")

        from appraisal.signals import outcome_decided, scorecard_approved
        from training.receivers import enroll_for_outcome, suggest_for_scorecard

        scorecard_approved.connect(suggest_for_scorecard, dispatch_uid="training.suggest_for_scorecard")
        outcome_decided.connect(enroll_for_outcome, dispatch_uid="training.enroll_for_outcome")
        register_person_page("training:person-history", _("Development history"), order=10)

        from staff.registry import register_person_prompt
        from training.person_prompts import onboarding_complete_prompt

        register_person_prompt("training.onboarding_complete", onboarding_complete_prompt)

        from fieldwork.visit_actions import register_visit_action
        from training.visit_actions import joint_visit_review_action

        register_visit_action(joint_visit_review_action)
