from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "quaestio.moderation"
    label = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # New first posts and late answers enter the review queues; deleted posts leave them.
        from quaestio.moderation.review_entry import on_post_written
        from quaestio.posts.events import post_written

        post_written.connect(on_post_written, dispatch_uid="moderation.review_entry")
