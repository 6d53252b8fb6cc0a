from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "quaestio.sources"
    label = "sources"
    default_auto_field = "django.db.models.BigAutoField"
