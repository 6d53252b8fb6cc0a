from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "quaestio.badges"
    label = "badges"
    default_auto_field = "django.db.models.BigAutoField"
