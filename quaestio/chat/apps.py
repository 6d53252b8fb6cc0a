from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "quaestio.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"
