"""Local development: `make run`."""

from salesorg.settings.base import *  # noqa: F403
from salesorg.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
