from django.core.wsgi import get_wsgi_application

from salesorg.env import setup

# The same rule as manage.py and Celery: the environment, then .env, then the local settings.
setup()
application = get_wsgi_application()
