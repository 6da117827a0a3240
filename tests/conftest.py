"""The shared demo world of the cross-cutting security tests (see tests/security_world.py)."""

from tests.security_world import world  # noqa: F401
