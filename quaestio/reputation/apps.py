from django.apps import AppConfig


class ReputationConfig(AppConfig):
    name = "quaestio.reputation"
    label = "reputation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.reputation.receivers import connect

        connect()
