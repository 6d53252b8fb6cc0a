"""PostgreSQL: a GiST index (inet_ops) on the addresses users were seen at, so the bulk
clean-up's address-range filter (`address <<= range`, moderation/bulk_cleanup.py) reads the
range from an index. SQLite keeps addresses as text and reads ranges of the existing index."""

from django.db import migrations

INDEX = "useraddress_address_gist"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON accounts_useraddress "
            "USING gist (address inet_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_user_access_moderator_idx")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
