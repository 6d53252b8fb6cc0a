from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "quaestio.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"
