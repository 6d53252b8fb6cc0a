"""PostgreSQL: a trigram index (pg_trgm) on display names, for `/2.3/users?inname=` (a
substring match, as Stack Exchange's): without it a name no one has read every user, and the
users table grows with the site. SQLite has no index for a substring (it still reads them
all)."""

from django.db import migrations

from quaestio.core.db import trigram_index

create, drop = trigram_index("accounts_user", "display_name", "user_display_name_trigram_idx")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0013_achievements_day")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
