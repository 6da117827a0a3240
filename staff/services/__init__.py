"""Writes for the organization: people's employment (hire, probation, promotion, transfer, change
of manager, warning, dismissal) with its dated membership, the units (regions, teams) and the
working-day calendar."""

from staff.services.calendar import CalendarRefresh, calendar_day_save, calendar_refresh  # noqa: F401
from staff.services.handover import person_handover  # noqa: F401
from staff.services.people import (  # noqa: F401
    people_leave_due,
    person_change_manager,
    person_dismiss,
    person_hire,
    person_pass_probation,
    person_promote,
    person_transfer,
    person_warn,
)
from staff.services.units import region_save, team_save  # noqa: F401
