"""A site starts with one off-topic reason, which its moderators reword or retire (spec §7.1)."""

from django.db import migrations


def add_default_reason(apps, schema_editor):
    OffTopicReason = apps.get_model("moderation", "OffTopicReason")
    if OffTopicReason.objects.exists():
        return
    OffTopicReason.objects.create(
        brief_description="Not about this site's subject",
        usage_guidance="The question is not about the subject this site covers, as the help "
        "center describes it.",
        post_notice="This question does not appear to be about the subject of this site, "
        "within the scope defined in the help center. It is not currently accepting answers.",
        owner_guidance="Update the question so it's on-topic for this site by editing this post.",
        privileged_guidance="Use this when the question is outside the scope the help center "
        "sets; say in a comment where it could be asked instead.",
        display_order=1,
    )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(add_default_reason, migrations.RunPython.noop)]
