from django.apps import AppConfig


class DumpsConfig(AppConfig):
    name = "quaestio.dumps"
    label = "dumps"
    default_auto_field = "django.db.models.BigAutoField"
