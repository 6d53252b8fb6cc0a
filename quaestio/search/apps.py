from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "quaestio.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.search import signals  # noqa: F401  (connects the receivers)
