"""What the appraisal services share. Who may act is the authority rule's (`staff.authority`):
every service takes the actor and calls `authority.require` before it writes."""

from __future__ import annotations

from typing import Any

# A login, a Person or an `authority.Actor`: `authority.actor_of` reads any of them.
Who = Any
