"""WSGI entry point: `gunicorn samrad.wsgi` (with src/ on the Python path)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samrad.settings")

application = get_wsgi_application()
