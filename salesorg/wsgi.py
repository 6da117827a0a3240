import os

from django.core.wsgi import get_wsgi_application

from salesorg.env import setup

# The same rule as manage.py and Celery: the environment, then .env, then the local settings.
setup()
# The settings give web requests their own database options (no parallel query: see
# DATABASE_WEB_PARALLEL_WORKERS in salesorg/settings/base.py).
os.environ["SALESORG_PROCESS"] = "web"
application = get_wsgi_application()
