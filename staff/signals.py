"""Signals other apps listen to, so that staff never imports them (staff <- customers <- ... <- training).

`person_hired(sender, person, hired_on)`: sent inside the hiring transaction when a candidate is
hired through recruitment; training enrolls the new person in onboarding.
"""

from django.dispatch import Signal

person_hired = Signal()
