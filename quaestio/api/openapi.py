"""The OpenAPI 3.0 document of the whole API, built from the method registry and the type
catalogue, served at /2.3/openapi.json."""

from __future__ import annotations

from functools import cache

from django.http import JsonResponse

from quaestio.api.fields import TYPES

COMMON_PARAMETERS = {
    "site": {
        "schema": {"type": "string"},
        "description": "The site: accepted in any form (one site is served).",
    },
    "filter": {
        "schema": {"type": "string"},
        "description": "default, withbody, none, total, or a name from /filters/create.",
    },
    "key": {"schema": {"type": "string"}, "description": "An app key: raises the daily quota."},
    "access_token": {
        "schema": {"type": "string"},
        "description": "An access token created on the user's profile.",
    },
    "callback": {"schema": {"type": "string"}, "description": "JSONP callback."},
}
PAGING_PARAMETERS = {
    "page": {"schema": {"type": "integer", "minimum": 1, "maximum": 2000000}},
    "pagesize": {"schema": {"type": "integer", "minimum": 0, "maximum": 100}},
}
SORTED_PARAMETERS = {
    "order": {"schema": {"type": "string", "enum": ["desc", "asc"]}},
    "min": {
        "schema": {"type": "string"},
        "description": "Lower bound on the sort field (epoch date, number or string).",
    },
    "max": {"schema": {"type": "string"}, "description": "Upper bound on the sort field."},
    "fromdate": {
        "schema": {"type": "integer"},
        "description": "Creation date from (Unix epoch seconds).",
    },
    "todate": {
        "schema": {"type": "integer"},
        "description": "Creation date to (Unix epoch seconds).",
    },
}
OBJECT_FIELDS = {
    "owner": "shallow_user",
    "user": "shallow_user",
    "last_editor": "shallow_user",
    "reply_to_user": "shallow_user",
    "bounty_user": "shallow_user",
    "badge_counts": "badge_count",
    "styling": "styling",
    "site": "site",
}
ARRAY_FIELDS = {
    "answers": "answer",
    "comments": "comment",
    "tags": None,
    "last_tags": None,
    "synonyms": None,
    "aliases": None,
    "markdown_extensions": None,
    "included_fields": None,
    "related_sites": None,
    "awarded_bounty_users": "shallow_user",
    "sources": "source",
}
STRING_FIELDS = {
    "title",
    "body",
    "body_markdown",
    "link",
    "share_link",
    "name",
    "display_name",
    "profile_image",
    "user_type",
    "content_license",
    "closed_reason",
    "excerpt",
    "item_type",
    "rank",
    "badge_type",
    "description",
    "error_name",
    "revision_guid",
    "revision_type",
    "post_type",
    "comment",
    "last_title",
    "last_body",
    "location",
    "website_url",
    "about_me",
    "api_site_parameter",
    "site_url",
    "filter",
    "filter_type",
    "vote_type",
    "reputation_history_type",
    "api_revision",
    "from_tag",
    "to_tag",
    "error_message",
    "type",
    "kind",
    "value",
    "domain",
    "author",
}


# Our additions to Stack Exchange's parameters, documented here (issue 19).
EXTRA_PARAMETERS = {
    "ai_use": {
        "schema": {"type": "string", "enum": ["none", "language", "content"]},
        "description": (
            "Whether generative AI helped write the post: none, language (translation, grammar, "
            "wording only) or content. Checked against the site's AI policy (/help/gen-ai-policy):"
            " content needs an attribution line starting with 'AI:' in the body, or is refused "
            "where AI content is banned. Omitted: nothing is declared on a new post, and an edit "
            "keeps the post's disclosure."
        ),
    },
}


def _field_schema(type_: str, name: str) -> dict:
    if name == "ai_disclosure":
        return {
            "type": "string",
            "nullable": True,
            "enum": ["none", "language", "content", None],
            "description": "The author's AI-use disclosure (a filter must include it); left "
            "out when none was declared (older or imported posts, API writes without ai_use).",
        }
    if type_ == "shallow_user" and name == "user_id":
        return {"type": "integer", "nullable": True}  # null for a deleted user
    if name in OBJECT_FIELDS:
        return {"$ref": f"#/components/schemas/{OBJECT_FIELDS[name]}"}
    if name in ARRAY_FIELDS:
        inner = ARRAY_FIELDS[name]
        items = {"$ref": f"#/components/schemas/{inner}"} if inner else {"type": "string"}
        if type_ == "site" and name == "related_sites":
            items = {"type": "object"}
        return {"type": "array", "items": items}
    if name in STRING_FIELDS:
        return {"type": "string"}
    if name.startswith(("is_", "has_", "can_")) or name in (
        "edited",
        "upvoted",
        "downvoted",
        "favorited",
        "accepted",
        "set_community_wiki",
    ):
        return {"type": "boolean"}
    if name.endswith("_per_minute"):
        return {"type": "number"}
    if (
        name.endswith(("_date", "_id", "_count", "_amount", "_number"))
        or name
        in (
            "score",
            "reputation",
            "count",
            "gold",
            "silver",
            "bronze",
            "question_score",
            "reputation_change",
            "accept_rate",
            "award_count",
            "total_questions",
            "total_unanswered",
            "total_accepted",
            "total_answers",
            "total_comments",
            "total_votes",
            "total_badges",
            "total_users",
            "new_active_users",
            "applied_count",
            "answer_score",
            "year",
        )
        or name.startswith(("reputation_change_", "total_"))
    ):
        return {"type": "integer"}
    return {}


def _type_schemas() -> dict:
    schemas = {}
    for type_, (default, more) in TYPES.items():
        if not type_:
            continue
        schemas[type_] = {
            "type": "object",
            "properties": {name: _field_schema(type_, name) for name in default + more},
        }
    return schemas


def _wrapper(item_type: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item_type}"}},
            "has_more": {"type": "boolean"},
            "quota_max": {"type": "integer"},
            "quota_remaining": {"type": "integer"},
            "backoff": {"type": "integer"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "total": {"type": "integer"},
            "type": {"type": "string"},
        },
    }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error_id", "error_name", "error_message"],
    "properties": {
        "error_id": {"type": "integer"},
        "error_name": {"type": "string"},
        "error_message": {"type": "string"},
        "backoff": {"type": "integer"},
    },
}


# With `callback`, the wrapper comes back as a JSONP script (always with status 200).
JSONP = {"application/javascript": {"schema": {"type": "string"}}}


def _parameters(entry) -> list[dict]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
        }
        for name in entry.path_params
    ]
    query = dict(COMMON_PARAMETERS)
    if entry.paged:
        query.update(PAGING_PARAMETERS)
    if entry.sorts:
        query["sort"] = {"schema": {"type": "string", "enum": list(entry.sorts)}}
        query.update(SORTED_PARAMETERS)
    for name in entry.params:
        query.setdefault(name, EXTRA_PARAMETERS.get(name, {"schema": {"type": "string"}}))
    for name, spec in query.items():
        parameters.append({"name": name, "in": "query", "required": name in entry.required, **spec})
    return parameters


def _operation(entry, http_method: str) -> dict:
    operation = {
        "operationId": f"{http_method}_{entry.view.__name__}",
        "summary": entry.summary,
        "parameters": _parameters(entry),
        "responses": {
            "200": {
                "description": f"A wrapper of {entry.item_type} items.",
                "content": {"application/json": {"schema": _wrapper(entry.item_type)}, **JSONP},
            },
            "400": {
                "description": "An error, as Stack Exchange returns it.",
                "content": {"application/json": {"schema": ERROR_SCHEMA}, **JSONP},
            },
        },
    }
    if entry.token:
        operation["security"] = [{"access_token": []}]
    return operation


@cache
def build_document() -> dict:
    from quaestio.api.registry import ENDPOINTS

    paths: dict = {}
    for entry in ENDPOINTS:
        operations = paths.setdefault("/" + entry.path, {})
        for http_method in entry.http_method.split("|"):
            operations[http_method.lower()] = _operation(entry, http_method.lower())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Quaestio API (Stack Exchange API 2.3-compatible)",
            "version": "2.3",
            "description": "Every response is a wrapper object; dates are Unix epoch seconds; "
            "errors answer HTTP 400 with error_id, error_name and error_message.",
        },
        "servers": [{"url": "/2.3"}],
        "paths": paths,
        "components": {
            "schemas": _type_schemas(),
            "securitySchemes": {
                "access_token": {"type": "apiKey", "in": "query", "name": "access_token"}
            },
        },
    }


def openapi_document(request):
    return JsonResponse(build_document())
