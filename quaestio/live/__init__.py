"""Live updates: a durable event log, its fan-out to open server-sent-event streams, and the
stream itself (served by a small ASGI process next to the WSGI workers; docs/deployment.md)."""
