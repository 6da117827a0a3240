"""The one way every process (manage.py, the WSGI app, Celery's worker and beat) chooses its settings.

`setup()` reads the project's `.env` file first, without overriding what the environment already
sets, and only then defaults `DJANGO_SETTINGS_MODULE`; so a `DJANGO_SETTINGS_MODULE` in `.env` is
honoured by web, worker and beat alike. Precedence: the environment, then `.env`, then the default
(`salesorg.settings.local`). A production deployment sets
`DJANGO_SETTINGS_MODULE=salesorg.settings.production` in its environment or its `.env`. Importing the
`salesorg` package (which loads the Celery app) already runs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
# The project's .env, or another file named by SALESORG_ENV_FILE (e.g. /etc/salesorg/env).
ENV_FILE = Path(os.environ.get("SALESORG_ENV_FILE") or BASE_DIR / ".env")
DEFAULT_SETTINGS = "salesorg.settings.local"


def setup(env_file: Path | None = None) -> str:
    """Load `.env` into the environment (existing variables win) and default the settings module.
    Returns the settings module in force."""
    path = env_file or ENV_FILE
    if path.exists():
        environ.Env.read_env(path, overwrite=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    return os.environ["DJANGO_SETTINGS_MODULE"]
