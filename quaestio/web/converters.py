"""Path converters for the site's routes.

`<id:...>` takes the ids a database can hold: at most 18 digits, so a 19-digit or longer number
in a URL is simply no route (404) instead of an integer the database refuses (a 500), and a
leading minus, because Stack Exchange's Community user is -1 (/users/-1/community).
"""

from django.urls import register_converter


class IdConverter:
    regex = "-?[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
