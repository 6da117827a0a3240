"""Reads of the follow-up discipline's findings, through the data-scope rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from customers.models import FlagStage, FollowUpFlag


def follow_up_flag_list(*, user: Any, flagged_only: bool = False) -> QuerySet[FollowUpFlag]:
    """The customers overdue for contact that the user sees, most days without contact first.

    `flagged_only`: only those past the rule's `flag_after` (the managers' dashboard); otherwise
    every stage (reminded, manager copied, flagged).
    """
    flags = FollowUpFlag.objects.visible_to(user).select_related("customer", "person")
    return flags.filter(stage=FlagStage.FLAGGED) if flagged_only else flags
