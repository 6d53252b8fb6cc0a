from tests.writing_support import _fresh_cache, _plain_static_files, ask, make_user  # noqa: F401
