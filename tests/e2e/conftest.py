from tests.writing_support import _fresh_cache, ask, make_user  # noqa: F401
