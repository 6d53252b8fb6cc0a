"""Drop the single-column index Django made for a foreign key that a composite index already leads
(post_id ahead in vote_post_type_idx): lookups by the key use the composite one, and the dump
import builds (and every write keeps up) one index less. Only the index goes: done as SQL so
SQLite does not rebuild the table and PostgreSQL does not re-check the constraint."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0004_fk_index_covered_by_composite"),
        ("votes", "0002_bounty_commentvote"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="vote",
                    name="post",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="votes",
                        to="posts.post",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "votes_vote_post_id_b2a2f8e6"',
                    reverse_sql='CREATE INDEX "votes_vote_post_id_b2a2f8e6" ON "votes_vote" ("post_id")',
                ),
            ],
        ),
    ]
