"""Every site has the Community user (id -1): it owns tag wikis and acts for the system."""

from django.db import migrations
from django.utils import timezone


def create_community(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.get_or_create(
        id=-1,
        defaults={
            "display_name": "Community",
            "password": "!",  # unusable: nobody signs in as Community
            "reputation": 1,
            "is_moderator": True,
            "creation_date": timezone.now(),
            "about_me": "<p>I'm not a real person. I'm a background process that helps keep this site clean!</p>",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_community, migrations.RunPython.noop)]
