"""The one settings module. Every value comes from an environment variable with a safe default."""

from __future__ import annotations

from pathlib import Path

from quaestio.accounts.sso_config import installed_apps as installed_sso_apps
from quaestio.accounts.sso_config import ldap_settings, providers_from_env
from quaestio.core.env import (
    data_dir,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_bool("QUAESTIO_DEBUG", False)
SECRET_KEY = env_str("QUAESTIO_SECRET_KEY") or env_str("SECRET_KEY")
if not SECRET_KEY:
    # A data directory keeps its own generated key so sessions survive restarts without any
    # configuration; deployments set QUAESTIO_SECRET_KEY.
    from quaestio.core.secret import data_dir_secret_key

    SECRET_KEY = data_dir_secret_key(DATA_DIR)

ALLOWED_HOSTS = env_list(
    "QUAESTIO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("QUAESTIO_CSRF_TRUSTED_ORIGINS", [])
# Behind a reverse proxy: the header it puts the client's address in (X-Forwarded-For), and
# how many proxies append to it. Read by quaestio.core.client.client_address; unset, the
# client is REMOTE_ADDR. Only set it when every request comes through those proxies.
QUAESTIO_TRUSTED_PROXY_HEADER = env_str("QUAESTIO_TRUSTED_PROXY_HEADER")
QUAESTIO_TRUSTED_PROXY_COUNT = max(1, env_int("QUAESTIO_TRUSTED_PROXY_COUNT", 1))
SITE_NAME = env_str("QUAESTIO_SITE_NAME", "Quaestio History")
SITE_URL = env_str("QUAESTIO_SITE_URL", "http://127.0.0.1:8000")
# Where pages open their live-updates stream: empty for the site's own /live/stream (nginx or
# the cluster's proxy route /live/ to the ASGI process); `quaestio serve` sets the live
# process's own address. A WSGI worker asked for a stream answers it as a poll (live/views.py).
QUAESTIO_LIVE_URL = env_str("QUAESTIO_LIVE_URL", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "quaestio.core",
    "quaestio.accounts",
    "quaestio.tags",
    "quaestio.posts",
    "quaestio.sources",
    "quaestio.comments",
    "quaestio.votes",
    "quaestio.reputation",
    "quaestio.badges",
    "quaestio.moderation",
    "quaestio.notifications",
    "quaestio.live",
    "quaestio.chat",
    "quaestio.search",
    "quaestio.dumps",
    "quaestio.web",
    "quaestio.api",
    "quaestio.webhooks",
    "quaestio.mail",
    "quaestio.linkcheck",
    # Sign-in with existing accounts (OpenID Connect, OAuth2, SAML): accounts/sso_config.py.
    *installed_sso_apps(),
]

MIDDLEWARE = [
    "quaestio.core.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "quaestio.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "quaestio.web.middleware.RefuseNulBytesMiddleware",
    "quaestio.web.page_cache.AnonymousPageCacheMiddleware",  # before sessions: a hit skips all
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "quaestio.accounts.middleware.AuthenticationMiddleware",
    "quaestio.accounts.middleware.RecordAddressMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "quaestio.accounts.middleware.UnconfiguredProviderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "quaestio.urls"
WSGI_APPLICATION = "quaestio.wsgi.application"
ASGI_APPLICATION = "quaestio.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "quaestio.web.jinja.environment",
            "autoescape": True,
            "auto_reload": DEBUG,
        },
    },
    {
        # Django's own apps (admin, auth e-mails) keep their Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {"default": database_config(env_str("DATABASE_URL"), DATA_DIR / "quaestio.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what every web process must share (rate limits, quotas, throttles, "seen"
# memories), so it is never one process's memory: Redis with REDIS_URL, else a table of the
# database (docs/deployment.md lists the per-process caches that are safe, and why).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions are cached so a signed-in page view costs no session query when Redis has it.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "quaestio.core.shared_cache.DatabaseCache"}}
    # Caching them in a database table would only write each session twice.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# QUAESTIO_HTTPS=1 for a site served over HTTPS: plain http is redirected, browsers are told
# to use HTTPS for a year (HSTS), and cookies are sent only over HTTPS. Behind a reverse proxy
# that ends TLS (QUAESTIO_TRUSTED_PROXY_HEADER set), its X-Forwarded-Proto says the scheme.
QUAESTIO_HTTPS = env_bool("QUAESTIO_HTTPS", False)
SECURE_SSL_REDIRECT = QUAESTIO_HTTPS
SECURE_HSTS_SECONDS = env_int("QUAESTIO_HSTS_SECONDS", 365 * 86_400) if QUAESTIO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # other sites under the domain may not be HTTPS
if QUAESTIO_HTTPS and QUAESTIO_TRUSTED_PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("QUAESTIO_SECURE_COOKIES", QUAESTIO_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/users/login"
LOGIN_REDIRECT_URL = "/"  # where a log-in without ?next= lands (allauth's too)
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Sign-in with existing accounts through django-allauth (docs/deployment.md): providers from
# the environment (accounts/sso_config.py) and from the site owner's /admin/sign-in. Our own
# log-in, sign-up and settings pages stay the UI; allauth only runs the provider round trip
# (state, PKCE, ID-token checks) and our adapters (accounts/sso_adapter.py) decide the rest.
SOCIALACCOUNT_PROVIDERS = providers_from_env()
ACCOUNT_ADAPTER = "quaestio.accounts.sso_adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "quaestio.accounts.sso_adapter.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # our own sign-up confirms addresses (accounts/services.py)
ACCOUNT_EMAIL_NOTIFICATIONS = False
SOCIALACCOUNT_AUTO_SIGNUP = True  # a name and address come from the provider, no form
SOCIALACCOUNT_EMAIL_REQUIRED = False  # an unconfirmed provider address is not kept
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching by address is ours (sso_adapter.py)
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons POST, with our CSRF token
SOCIALACCOUNT_STORE_TOKENS = False  # we only need to know who it is
SOCIALACCOUNT_QUERY_EMAIL = True
# LDAP (pip install 'quaestio[ldap]'; QUAESTIO_LDAP_SERVER_URI and friends): the directory is
# asked first on our log-in page, then our own passwords.
globals().update(ldap_settings())
if env_str("QUAESTIO_LDAP_SERVER_URI"):
    AUTHENTICATION_BACKENDS.insert(0, "quaestio.accounts.sso_ldap.DirectoryBackend")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TASKS = {
    "default": {
        # In-process by default so the demo needs nothing running beside it; production sets
        # QUAESTIO_TASK_BACKEND=django_tasks_db.DatabaseBackend and runs a worker.
        "BACKEND": env_str(
            "QUAESTIO_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# Every message goes into the outbox (quaestio.mail), then out through the transport below by
# the task worker, with retries, a log, and no mail to addresses that bounced or complained.
EMAIL_BACKEND = "quaestio.mail.backend.OutboxBackend"
QUAESTIO_MAIL_TRANSPORT = env_str(
    "QUAESTIO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
# SMTP: QUAESTIO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and these.
EMAIL_HOST = env_str("QUAESTIO_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("QUAESTIO_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("QUAESTIO_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("QUAESTIO_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("QUAESTIO_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("QUAESTIO_SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("QUAESTIO_SMTP_TIMEOUT", 20)
# The secret in the address a mail provider posts bounces and complaints to
# (/mail/events/<token>); unset, the address does not exist.
QUAESTIO_MAIL_EVENTS_TOKEN = env_str("QUAESTIO_MAIL_EVENTS_TOKEN", "")
DEFAULT_FROM_EMAIL = env_str("QUAESTIO_FROM_EMAIL", "quaestio@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded images (posts/images.py): files under the data directory, served by the app
# (web/views/uploads.py), or S3-compatible object storage through django-storages
# (pip install 'quaestio[s3]'; QUAESTIO_MEDIA_STORAGE=s3 and the AWS_* settings below).
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
QUAESTIO_MEDIA_STORAGE = env_str("QUAESTIO_MEDIA_STORAGE", "files")
_MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if QUAESTIO_MEDIA_STORAGE == "s3":
    _MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN", "") or None,
            "querystring_auth": False,  # images in posts are public
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Community rules that are settings because the spec marks them unverified.
QUAESTIO_PRIVILEGE_SET = env_str("QUAESTIO_PRIVILEGE_SET", "full")  # "full" or "beta"
QUAESTIO_ANSWER_TIE_BREAK = env_str("QUAESTIO_ANSWER_TIE_BREAK", "oldest_first")  # or "random"
# Generative-AI content (spec §7.12, posts/ai_use.py): "referenced" (allowed when disclosed and
# attributed with an "AI:" line, the network default) or "banned" (refused; language help allowed).
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

QUAESTIO_AI_POLICY = env_str("QUAESTIO_AI_POLICY", "referenced").lower()
if QUAESTIO_AI_POLICY not in ("referenced", "banned"):
    raise ImproperlyConfigured("QUAESTIO_AI_POLICY must be 'referenced' or 'banned'.")
# Math in posts ($…$, $$…$$), for a site about a subject that needs it (as Stack Exchange turns
# MathJax on per site); off, a dollar sign is only a dollar sign.
QUAESTIO_MATH = env_bool("QUAESTIO_MATH", False)
QUAESTIO_COMMENTS_SHOWN = env_int("QUAESTIO_COMMENTS_SHOWN", 5)
# Bytes of rendered threads each web process keeps (web/thread_cache.py).
QUAESTIO_THREAD_CACHE_BYTES = env_int("QUAESTIO_THREAD_CACHE_BYTES", 32 * 1024 * 1024)
# The deepest page a list serves (Stack Exchange caps list paging): deeper asks show this page.
QUAESTIO_LIST_MAX_PAGE = env_int("QUAESTIO_LIST_MAX_PAGE", 10_000)
# No list page skips more rows than this from its nearer end (core/listing.py): deeper pages
# show the deepest page within it, so every page costs the same at any size of site.
QUAESTIO_LIST_MAX_OFFSET = env_int("QUAESTIO_LIST_MAX_OFFSET", 15_000)
# Server-Timing (database, template, total) tells how long the server worked on a request,
# which helps an attacker time queries: it goes to staff and moderators only, or to everyone
# with "all" (benchmarks), or to nobody with "off".
QUAESTIO_SERVER_TIMING = env_str("QUAESTIO_SERVER_TIMING", "staff")
# How often a display name may change (Stack Exchange: once every 30 days).
QUAESTIO_DISPLAY_NAME_CHANGE_DAYS = env_int("QUAESTIO_DISPLAY_NAME_CHANGE_DAYS", 30)
# The anonymous page cache (web/page_cache.py): visitors without a session get the question
# page, the lists and tag pages from the cache (Redis, else the shared cache table), invalidated
# by every write (core/page_generation.py); the seconds bound how old relative times may get.
QUAESTIO_PAGE_CACHE = env_bool("QUAESTIO_PAGE_CACHE", True)
QUAESTIO_PAGE_CACHE_SECONDS = env_int("QUAESTIO_PAGE_CACHE_SECONDS", 60)
QUAESTIO_CLOSE_VOTES = env_int("QUAESTIO_CLOSE_VOTES", 3)  # votes to close or reopen (spec §7.2)
QUAESTIO_DELETE_VOTES = env_int("QUAESTIO_DELETE_VOTES", 3)  # to delete or undelete (§7.6)
# Flags (spec §7.8, §11): the daily allowance (post flags, and comment flags in a pool of their
# own), its ceiling for good flaggers, how many spam or rude flags delete a post (a moderator's
# one flag does when binding), how many "no longer needed" flags delete a comment, and how many
# days an unhandled flag stays pending (0: flags never age away).
QUAESTIO_FLAGS_PER_DAY = env_int("QUAESTIO_FLAGS_PER_DAY", 10)
QUAESTIO_FLAGS_PER_DAY_MAX = env_int("QUAESTIO_FLAGS_PER_DAY_MAX", 100)
QUAESTIO_HELPFUL_FLAGS_PER_EXTRA_FLAG = env_int("QUAESTIO_HELPFUL_FLAGS_PER_EXTRA_FLAG", 10)
QUAESTIO_SPAM_FLAGS_TO_DELETE = env_int("QUAESTIO_SPAM_FLAGS_TO_DELETE", 6)
QUAESTIO_MODERATOR_FLAG_BINDING = env_bool("QUAESTIO_MODERATOR_FLAG_BINDING", True)
QUAESTIO_OBSOLETE_COMMENT_FLAGS_TO_DELETE = env_int("QUAESTIO_OBSOLETE_COMMENT_FLAGS_TO_DELETE", 3)
QUAESTIO_FLAG_AGING_DAYS = env_int("QUAESTIO_FLAG_AGING_DAYS", 0)
# Similar questions by meaning as well as words (quaestio/search/meaning.py): "on" needs the
# `meaning` extra (pip install 'quaestio[meaning]') and `quaestio embed` once; "off" keeps words
# only. Suggestions by meaning must be at least this alike (cosine of the titles' embeddings).
QUAESTIO_MEANING = env_str("QUAESTIO_MEANING", "off")
QUAESTIO_MEANING_MIN_SIMILARITY = float(env_str("QUAESTIO_MEANING_MIN_SIMILARITY", "0.5"))
# Processes `quaestio embed` and an import's embedding encode titles in (0: one per core; 1:
# in the command's own process).
QUAESTIO_EMBED_WORKERS = env_int("QUAESTIO_EMBED_WORKERS", 0)
# Close and reopen votes one user may cast per UTC day (spec §7.2: "SO: 50 per day").
QUAESTIO_CLOSE_VOTES_PER_DAY = env_int("QUAESTIO_CLOSE_VOTES_PER_DAY", 50)
# Answers to a community wiki question are community wiki (spec §5.3, rule 3, unverified).
QUAESTIO_WIKI_QUESTION_ANSWERS_ARE_WIKI = env_bool("QUAESTIO_WIKI_QUESTION_ANSWERS_ARE_WIKI", True)
# Review queues (spec §7.9): reviews that complete an item, the daily limit per queue, and
# which answers are late (moderation/review_rules.py says where each default comes from).
QUAESTIO_REVIEWS_FIRST_POSTS = env_int("QUAESTIO_REVIEWS_FIRST_POSTS", 1)
QUAESTIO_REVIEWS_LATE_ANSWERS = env_int("QUAESTIO_REVIEWS_LATE_ANSWERS", 1)
QUAESTIO_REVIEWS_LOW_QUALITY_OK = env_int("QUAESTIO_REVIEWS_LOW_QUALITY_OK", 2)
QUAESTIO_REVIEWS_LOW_QUALITY_DELETE = env_int("QUAESTIO_REVIEWS_LOW_QUALITY_DELETE", 6)
QUAESTIO_REVIEWS_LEAVE_OPEN = env_int("QUAESTIO_REVIEWS_LEAVE_OPEN", 3)
QUAESTIO_REVIEWS_LEAVE_CLOSED = env_int("QUAESTIO_REVIEWS_LEAVE_CLOSED", 3)
# Reviews that decide whether an edit's new sources lift a Citation needed notice.
QUAESTIO_REVIEWS_SOURCES_ADDED = env_int("QUAESTIO_REVIEWS_SOURCES_ADDED", 1)
# "Citation needed" votes (50 reputation) that place the notice on an answer.
QUAESTIO_CITATION_VOTES = env_int("QUAESTIO_CITATION_VOTES", 3)
QUAESTIO_REVIEW_DAILY_LIMIT = env_int("QUAESTIO_REVIEW_DAILY_LIMIT", 20)
QUAESTIO_LATE_ANSWER_DAYS = env_int("QUAESTIO_LATE_ANSWER_DAYS", 30)
QUAESTIO_LATE_ANSWER_MAX_REPUTATION = env_int("QUAESTIO_LATE_ANSWER_MAX_REPUTATION", 50)
# Links a user under 10 reputation may post in a question or answer (spec §11; issue 17: 2).
QUAESTIO_NEW_USER_MAX_LINKS = env_int("QUAESTIO_NEW_USER_MAX_LINKS", 2)

# The API's request limits (spec §11): per IP per UTC day, per second, and the backoff asked of
# a client that calls one method too often.
QUAESTIO_API_QUOTA_ANONYMOUS = env_int("QUAESTIO_API_QUOTA_ANONYMOUS", 300)
QUAESTIO_API_QUOTA_KEYED = env_int("QUAESTIO_API_QUOTA_KEYED", 10_000)
QUAESTIO_API_REQUESTS_PER_SECOND = env_int("QUAESTIO_API_REQUESTS_PER_SECOND", 30)
QUAESTIO_API_BACKOFF_AFTER = env_int("QUAESTIO_API_BACKOFF_AFTER", 50)
QUAESTIO_API_BACKOFF_SECONDS = env_int("QUAESTIO_API_BACKOFF_SECONDS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("QUAESTIO_LOG_LEVEL", "WARNING")},
}

# Webhooks go to public addresses only; a deployment whose receivers sit on its own trusted
# network (or a test's local server) allows private and loopback addresses with this.
QUAESTIO_WEBHOOKS_ALLOW_PRIVATE = env_bool("QUAESTIO_WEBHOOKS_ALLOW_PRIVATE", False)
# Link rot (quaestio/linkcheck): the daily check of posts' outbound links. Seconds per request
# and between two requests to one host, bytes read of a body, UTC days of failures before a link
# is dead, checks kept per link, links checked per run, hours before a link is checked again,
# the archive resolver (dotted path; quaestio.linkcheck.resolvers.NullResolver when offline)
# and the availability API it asks. Private and loopback addresses are refused unless allowed.
QUAESTIO_LINKCHECK_TIMEOUT = env_int("QUAESTIO_LINKCHECK_TIMEOUT", 10)
QUAESTIO_LINKCHECK_HOST_INTERVAL = env_int("QUAESTIO_LINKCHECK_HOST_INTERVAL", 2)
QUAESTIO_LINKCHECK_MAX_BYTES = env_int("QUAESTIO_LINKCHECK_MAX_BYTES", 1024 * 1024)
QUAESTIO_LINKCHECK_DEAD_AFTER_DAYS = env_int("QUAESTIO_LINKCHECK_DEAD_AFTER_DAYS", 3)
QUAESTIO_LINKCHECK_HISTORY = env_int("QUAESTIO_LINKCHECK_HISTORY", 20)
QUAESTIO_LINKCHECK_PER_RUN = env_int("QUAESTIO_LINKCHECK_PER_RUN", 5000)
QUAESTIO_LINKCHECK_RECHECK_HOURS = env_int("QUAESTIO_LINKCHECK_RECHECK_HOURS", 20)
QUAESTIO_LINKCHECK_RESOLVER = env_str(
    "QUAESTIO_LINKCHECK_RESOLVER", "quaestio.linkcheck.resolvers.WaybackResolver"
)
QUAESTIO_LINKCHECK_ARCHIVE_API = env_str(
    "QUAESTIO_LINKCHECK_ARCHIVE_API", "https://archive.org/wayback/available"
)
QUAESTIO_LINKCHECK_ALLOW_PRIVATE = env_bool("QUAESTIO_LINKCHECK_ALLOW_PRIVATE", False)
# Or only these networks (comma-separated, e.g. "127.0.0.0/8" for a test's local server).
QUAESTIO_LINKCHECK_ALLOW_NETWORKS = env_list("QUAESTIO_LINKCHECK_ALLOW_NETWORKS", [])
# `quaestio daily-jobs` checks links unless this is off (a site with no way out to the web).
QUAESTIO_LINKCHECK_DAILY = env_bool("QUAESTIO_LINKCHECK_DAILY", True)
# Sign-ups never confirmed are forgotten (address and password hash) after this many days.
QUAESTIO_PRUNE_UNCONFIRMED_DAYS = env_int("QUAESTIO_PRUNE_UNCONFIRMED_DAYS", 7)
# IP addresses users signed in or wrote from (kept for moderators' sock-puppet checks) are
# dropped by `quaestio daily-jobs` when last seen longer ago than this.
QUAESTIO_IP_RETENTION_DAYS = env_int("QUAESTIO_IP_RETENTION_DAYS", 90)
