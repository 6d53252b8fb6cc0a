from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "quaestio.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.moderation.events import post_flagged
        from quaestio.posts.events import post_written
        from quaestio.votes.events import answer_accepted
        from quaestio.webhooks import receivers

        post_written.connect(receivers.on_post_written, dispatch_uid="webhooks.post_written")
        answer_accepted.connect(receivers.on_answer_accepted, dispatch_uid="webhooks.accepted")
        post_flagged.connect(receivers.on_post_flagged, dispatch_uid="webhooks.flagged")
