"""Signals other apps listen to, so that staff never imports them (staff <- customers <- ... <- training).

`person_hired(sender, person, hired_on)`: sent inside the hiring transaction when a candidate is
hired through recruitment; training enrolls the new person in onboarding.
"""

from django.dispatch import Signal

person_hired = Signal()

# `membership_changed(sender, person, since, recorded_by)`: sent inside the transaction of a
# transfer, promotion, change of manager or dismissal (staff.services.membership.move). The apps
# that keep a unit on their records re-file those of `person` dated on or after `since`; an app
# that must refuse (an approved appraisal period) raises `ApplicationError`, refusing the change.
membership_changed = Signal()

# `person_handed_over(sender, person, successor, on, customer_ids, recorded_by)`: sent inside the
# transaction of `staff.services.person_handover`. Each app moves what `person` looks after to
# `successor` (customers: all, or those in `customer_ids` when it is a list), keeps the history,
# tells the successor, and returns a dict of what moved by kind ({"customers": 12}).
person_handed_over = Signal()
