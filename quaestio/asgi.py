"""The ASGI application of the live-updates process (`quaestio serve` starts it beside the
WSGI workers; see quaestio/live/asgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
django_application = get_asgi_application()

from quaestio.live.asgi import LiveApplication  # noqa: E402  (needs Django set up)

application = LiveApplication(django_application)
