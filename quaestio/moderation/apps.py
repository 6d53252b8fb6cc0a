from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "quaestio.moderation"
    label = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quaestio.moderation import citations, flag_handling, review_entry
        from quaestio.posts.events import post_written

        # Flags on a post deleted any way are resolved as helpful (spec §7.8).
        post_written.connect(
            flag_handling.on_post_written, dispatch_uid="moderation.flags.post_written"
        )
        # New first posts and late answers enter the review queues; deleted posts leave them.
        post_written.connect(review_entry.on_post_written, dispatch_uid="moderation.review_entry")
        # An edit adding sources to a post under a Citation needed notice waits for review.
        post_written.connect(citations.on_post_written, dispatch_uid="moderation.citations")
