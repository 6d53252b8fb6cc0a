"""Drop the single-column index Django made for a foreign key that a composite index already leads
(user_id ahead in badge_user_class_idx): lookups by the key use the composite one, and the dump
import builds (and every write keeps up) one index less. Only the index goes: done as SQL so
SQLite does not rebuild the table and PostgreSQL does not re-check the constraint."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="badge",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="badges",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "badges_badge_user_id_073657e7"',
                    reverse_sql='CREATE INDEX "badges_badge_user_id_073657e7" ON "badges_badge" ("user_id")',
                ),
            ],
        ),
    ]
