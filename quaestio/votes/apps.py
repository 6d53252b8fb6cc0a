from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "quaestio.votes"
    label = "votes"
    default_auto_field = "django.db.models.BigAutoField"
