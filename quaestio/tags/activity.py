"""Each tag's last activity, kept on the tag (Tag.last_activity_date): the API's tag lists show
it and sort by it, which read as the newest activity among every question of each tag would
aggregate over every tagged question on each request.

It is the newest last_activity_date of any question while it carried the tag. Kept by triggers
(installed with core.site_counts' and named like them, so `install_triggers`, the importer's
pause and `drop_triggers` treat them alike) in the transaction of the write, whatever path
makes it (an answer, an edit, a retag, a bump, a merge, the demo loader):

* a question's last_activity_date moving later raises its tags' value to it;
* a question gaining a tag (asked, retagged) raises the tag's value to the question's.

It only moves forward: a question deleted or retagged away from the tag leaves the tag's value
where the question's activity put it (removing the tag was activity on the tag). So the
recount (`quaestio recount`, the importer's end) raises each tag to the newest activity of its
current questions and lowers none: a live site and its recount agree, and lowering would need
the whole tag's questions read on every retag of its newest one.

PostgreSQL: row triggers with a WHEN clause, so the statements that change no activity (a
vote's score, a view count) run nothing. The tag rows are locked in id order, as the tag
counts' updates lock them, so two writes sharing tags wait rather than deadlock.
"""

from __future__ import annotations

_QUESTION = 1  # PostTypeId 1, as core.site_counts writes it


# SQLite keeps dates as ISO text ("YYYY-MM-DD HH:MM:SS[.ffffff]"), which orders as it reads.
def sqlite_triggers() -> list[str]:
    question_date = (
        "(SELECT p.last_activity_date FROM posts_post p "
        f"WHERE p.id = NEW.post_id AND p.post_type = {_QUESTION})"
    )
    return [
        "CREATE TRIGGER quaestio_count_tagact_post AFTER UPDATE OF last_activity_date "
        f"ON posts_post WHEN NEW.post_type = {_QUESTION} "
        "AND NEW.last_activity_date IS NOT OLD.last_activity_date BEGIN "
        "UPDATE tags_tag SET last_activity_date = NEW.last_activity_date "
        "WHERE id IN (SELECT tag_id FROM tags_posttag WHERE post_id = NEW.id) "
        "AND (last_activity_date IS NULL OR last_activity_date < NEW.last_activity_date); END",
        "CREATE TRIGGER quaestio_count_tagact_posttag AFTER INSERT ON tags_posttag "
        f"WHEN {question_date} IS NOT NULL BEGIN "
        f"UPDATE tags_tag SET last_activity_date = {question_date} WHERE id = NEW.tag_id "
        f"AND (last_activity_date IS NULL OR last_activity_date < {question_date}); END",
    ]


_PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION quaestio_raise_tag_activity(tag_ids bigint[], activity timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF activity IS NULL THEN RETURN; END IF;
    UPDATE tags_tag t SET last_activity_date = activity FROM (
        SELECT id FROM tags_tag
        WHERE id = ANY(tag_ids) AND (last_activity_date IS NULL OR last_activity_date < activity)
        ORDER BY id FOR UPDATE
    ) s
    WHERE t.id = s.id;
END $$;

CREATE OR REPLACE FUNCTION quaestio_tag_activity_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM quaestio_raise_tag_activity(
        ARRAY(SELECT tag_id FROM tags_posttag WHERE post_id = NEW.id), NEW.last_activity_date);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quaestio_tag_activity_posttag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM quaestio_raise_tag_activity(
        ARRAY[NEW.tag_id],
        (SELECT p.last_activity_date FROM posts_post p
         WHERE p.id = NEW.post_id AND p.post_type = {_QUESTION}));
    RETURN NULL;
END $$;
"""


def pg_triggers() -> list[str]:
    return [
        _PG_FUNCTIONS,
        "CREATE TRIGGER quaestio_count_tagact_post AFTER UPDATE OF last_activity_date "
        "ON posts_post FOR EACH ROW "
        f"WHEN (NEW.post_type = {_QUESTION} "
        "AND NEW.last_activity_date IS DISTINCT FROM OLD.last_activity_date) "
        "EXECUTE FUNCTION quaestio_tag_activity_post()",
        "CREATE TRIGGER quaestio_count_tagact_posttag AFTER INSERT ON tags_posttag "
        "FOR EACH ROW EXECUTE FUNCTION quaestio_tag_activity_posttag()",
    ]


# The recount: each tag raised to the newest activity of its current questions (see above for
# why it lowers none). One pass over the tag links, as the tag counts' recount.
RECOUNT = (
    "tag last activity",
    "UPDATE tags_tag SET last_activity_date = s.n FROM ("
    "SELECT pt.tag_id AS id, MAX(p.last_activity_date) AS n FROM tags_posttag pt "
    f"JOIN posts_post p ON p.id = pt.post_id WHERE p.post_type = {_QUESTION} "
    "GROUP BY pt.tag_id) AS s "
    "WHERE tags_tag.id = s.id AND s.n IS NOT NULL "
    "AND (tags_tag.last_activity_date IS NULL OR tags_tag.last_activity_date < s.n)",
)
