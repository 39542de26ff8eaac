"""
Settings for the corporate parenting board, all read from the environment here and nowhere else.

With nothing set the app runs on SQLite with Celery tasks executed in-process (the embedded default).
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis with a real worker. DJANGO_DEBUG=0
(the default) turns on the production protections that `manage.py check --deploy` looks for.
"""
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core import release

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The development key is in this repository for anyone to read: with it, anyone can forge a session.
# A production start (DJANGO_DEBUG off) without a key of its own is refused, before anything is served.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-only-for-local-use-never-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set, or is the development key published in the repository, and "
        "DJANGO_DEBUG is off: with a key anyone can read, anyone can forge a signed-in session. Set "
        "DJANGO_SECRET_KEY to a long random value kept secret (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DJANGO_DEBUG=1 on a "
        "developer's own machine."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, on a site that asks for a second factor (core.admin_site).
    "core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "auditlog",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "audit",
    "accounts",
    "core",
    "children",
    "indicators",
    "measures",
    "boards",
    "reports",
    "dashboards",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed its second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    # A person with a second factor gives its code before anything else; one who must have one enrols first.
    "accounts.middleware.SecondFactorMiddleware",
    # A form sent twice (a double click) is acted on once (after CSRF, authentication and messages).
    "core.double_submit.DoubleSubmitMiddleware",
    # django-auditlog's, with the trusted-proxy address, and every refused request written to the trail.
    "audit.middleware.AuditMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "corporate_parenting.urls"
WSGI_APPLICATION = "corporate_parenting.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Opening a connection was half of a trivial page's time: keep each for a minute, checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The measures are high-cost-estimate but quick aggregates: PostgreSQL's JIT compiler would spend
    # seconds compiling what runs in milliseconds. Off for every connection; this app never benefits.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Let a second process (the in-process Celery fallback, a browser test's server) wait for the lock
    # instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on with the council's OpenID Connect provider; does nothing unless OIDC_RP_CLIENT_ID is set.
    "accounts.single_sign_on.CouncilAccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Working days for statutory deadlines skip this nation's bank holidays ("ENG" England and Wales share them; "SCT", "NIR").
BANK_HOLIDAY_SUBDIVISION = env("BANK_HOLIDAY_SUBDIVISION", default="ENG")
USE_I18N = True
USE_TZ = True
# The last day (month, day) of the data collection year: England's 903 year ends on 31 March (core.collection_year).
COLLECTION_YEAR_END = (3, 31)
# Kinds of return the app can read, check and store (children.returns), and the council's own: another
# nation's return is a module added here (and its year end above).
RETURN_KINDS = ["children.ssda903_return.SSDA903"]
RETURN_KIND = "ssda903"

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded papers, evidence and built PDFs hold personal and sensitive data: they live outside the web
# root and have no public URL. Only permission-checked views stream them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Largest upload the app accepts (papers, evidence, 903 CSV tables).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)  # papers and evidence
# Each file of a 903 return: a large council's ten-year Episodes table runs to tens of MB, England's whole
# looked-after population (80,000 children, 970,000 episodes) to about 72 MB.
COHORT_UPLOAD_MAX_BYTES = env.int("COHORT_UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Uploaded 903 files hold every looked-after child's personal data. Once an import has finished, the
# cohort records hold what was imported, so the files are deleted this many days later (nightly job).
COHORT_FILE_RETENTION_DAYS = env.int("COHORT_FILE_RETENTION_DAYS", default=90)
if COHORT_FILE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("COHORT_FILE_RETENTION_DAYS must be 1 or more.")
# A child's records (every year's rows, their history) are removed once the child has been in none of the
# returns that ended in this many years (nightly job; the reason is in the README, "Data protection").
CHILD_RECORD_RETENTION_YEARS = env.int("CHILD_RECORD_RETENTION_YEARS", default=7)
if CHILD_RECORD_RETENTION_YEARS < 1:
    raise ImproperlyConfigured("CHILD_RECORD_RETENTION_YEARS must be 1 or more.")

# The DfE's own 903 validation rules run on every import, in their own environment (bin/install makes
# .venv-903), as a process beside the import's own checks: children.dfe_rules. Empty: switched off (the import
# says so). The engine is stopped after DFE_RULES_TIMEOUT seconds (less than the import's own time limit).
DFE_RULES_PYTHON = env("DFE_RULES_PYTHON", default=str(BASE_DIR / ".venv-903" / "bin" / "python"))
DFE_RULES_TIMEOUT = env.int("DFE_RULES_TIMEOUT", default=10 * 60)

# --- Papers turned into PDF ------------------------------------------------------------------------
# Word and OpenDocument papers become PDF for the board pack with LibreOffice, headless (boards.conversion);
# LIBREOFFICE empty (or not installed) refuses such papers at upload. A conversion is stopped after
# PAPER_CONVERSION_TIMEOUT seconds.
LIBREOFFICE = env("LIBREOFFICE", default="soffice")
PAPER_CONVERSION_TIMEOUT = env.int("PAPER_CONVERSION_TIMEOUT", default=120)

# --- Cache ------------------------------------------------------------------------------------------
# Dashboards and measure figures are cached under version tokens read from the database (core.stamps,
# measures.queries.version), so each process's own memory is correct on its own. CACHE_URL
# (e.g. redis://redis:6379/1) shares one cache between the web processes, so each page is built once.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# The running code's release: every cached page's key includes it (core.stamps.page_key), so after a deploy no
# page shows the old code's HTML from a shared cache. RELEASE (e.g. the git commit) names it; otherwise it is
# a hash of the code, worked out here once (core.release).
RELEASE = env("RELEASE", default="") or release.from_sources(BASE_DIR)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An accelerator only: with Redis unreachable, pages are built without it (core.cache).
    CACHES["default"]["BACKEND"] = "core.cache.OptionalRedisCache"

# --- Celery -----------------------------------------------------------------------------------------
# No broker configured: tasks run in-process, synchronously, so the app works on a laptop with nothing
# else installed. A broker URL switches to a real worker (and beat for the schedules in the database).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_IGNORE_RESULT = True
# A job is taken off the queue only when it has finished: a worker that dies mid-job leaves it to be run
# again (its work is transactional), and a job whose worker process is killed is put back at once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Seconds (soft, hard) per kind of job. At the soft limit the job is stopped and says why; at the hard limit
# the worker kills it. A job still running past its hard limit has lost its worker: core.tasks.
# fail_abandoned_jobs (every few minutes) marks it failed, so the officer can try again.
TASK_TIME_LIMITS = {
    "import": (env.int("IMPORT_SOFT_TIME_LIMIT", default=15 * 60), env.int("IMPORT_TIME_LIMIT", default=16 * 60)),
    "report": (env.int("REPORT_SOFT_TIME_LIMIT", default=10 * 60), env.int("REPORT_TIME_LIMIT", default=11 * 60)),
    "email": (2 * 60, 3 * 60),
    "conversion": (PAPER_CONVERSION_TIMEOUT + 30, PAPER_CONVERSION_TIMEOUT + 60),  # LibreOffice stops itself first
    "housekeeping": (10 * 60, 11 * 60),  # nightly and periodic jobs, and any job not named below
}
CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMITS["housekeeping"]
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": TASK_TIME_LIMITS[kind][0], "time_limit": TASK_TIME_LIMITS[kind][1]}
    for name, kind in {
        "children.run_cohort_import": "import",
        "reports.tasks.build_report": "report",
        "reports.tasks.email_members": "email",
        "boards.tasks.convert_paper": "conversion",
    }.items()
}
# Redis hands an unacknowledged job to another worker after this long: longer than any job's hard limit and
# any retry's wait (reports back off up to 15 minutes), or a job would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- The council ------------------------------------------------------------------------------------
# Its local authority code (ONS, upper tier, as the DfE's 903 validator uses it): the one fact about its area
# the app is told; placements in or out of the area come from the postcodes. The demo's is Worcestershire's.
COUNCIL_LA_CODE = env("COUNCIL_LA_CODE", default="E10000034")
# Its name, as the covers of its board packs and reports print it (the demo's council by default).
COUNCIL_NAME = env("COUNCIL_NAME", default="Wyvern County Council")

# --- Email ------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="corporate-parenting@council.example")
SITE_URL = env("SITE_URL", default="http://localhost:8000")

# --- Security ---------------------------------------------------------------------------------------
SECURE = env.bool("DJANGO_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after signing in
# whatever the person does (accounts.middleware). Changing or resetting a password signs the person out
# everywhere else (Django checks each session against the password).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_COOKIE_AGE = env.int("SESSION_MAX_HOURS", default=12) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy: no inline script or style anywhere; everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Proxies (addresses or networks) whose X-Forwarded-For is believed; with none, the connecting address is
# the visitor's (core.addresses). E.g. DJANGO_TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

# --- Sign-in throttling (django-axes) ----------------------------------------------------------------
# After SIGN_IN_FAILURE_LIMIT failed sign-ins for one account, or from one address, further attempts are
# refused for SIGN_IN_LOCKOUT_MINUTES, or until an administrator unlocks them (Locked sign-ins page).
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = env.float("SIGN_IN_LOCKOUT_MINUTES", default=30) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Two-factor sign-in (django-otp) ------------------------------------------------------------------
# Whoever has set up a second factor gives a code after their password. With TWO_FACTOR_REQUIRED (on unless
# DJANGO_DEBUG, i.e. everywhere but a developer's machine and the demo), everyone who can see a child's
# record or the Django admin (officers, administrators: core.permissions.must_use_second_factor) sets one up
# before anything else. The Django admin always asks for a verified second factor.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Corporate Parenting Board")
# After each wrong code, the next is refused for 1, 2, 4, 8... seconds (django-otp's own throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Recovery codes given at enrolment; each works once.
TWO_FACTOR_RECOVERY_CODES = 10
# Security keys and passkeys (WebAuthn, django-otp-webauthn) as a second factor, never instead of the password.
# A key works only for the site it was added on: WEBAUTHN_RP_ID is the service's domain (from SITE_URL) and
# WEBAUTHN_ORIGINS the addresses people use (https://, or http://localhost on a developer's machine).
_site = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", default=_site.hostname or "localhost")
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ORIGINS", default=[f"{_site.scheme}://{_site.netloc}"])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# After each failed security-key check, the next is refused for 1, 2, 4, 8... seconds, as for codes.
SECURITY_KEY_THROTTLE_FACTOR = 1

# --- Single sign-on (OpenID Connect: Microsoft Entra ID) ------------------------------------------------
# Off unless OIDC_RP_CLIENT_ID is set. For Entra ID, register the app with the redirect URI
# <SITE_URL>/accounts/council-account/callback/ and take the endpoints from
# https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration (accounts.single_sign_on).
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
# People are matched by email to someone an administrator has added; a council account creates nobody.
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "single_sign_on_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/council-account/refused/"
# The button's words: "Sign in with <SINGLE_SIGN_ON_NAME>".
SINGLE_SIGN_ON_NAME = env("SINGLE_SIGN_ON_NAME", default="your council account")
# Roles from the provider's group claim, e.g. SINGLE_SIGN_ON_GROUP_ROLES=<group id>=officer,<group id>=councillor
# (the first group listed that the person is in wins). Without one, the role an administrator gave stays.
SINGLE_SIGN_ON_GROUP_ROLES = env.dict("SINGLE_SIGN_ON_GROUP_ROLES", default={})

# --- Audit trail ------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
    # Every sign-in, failure, lockout and unlock, with the address (accounts.security).
    "loggers": {"accounts.security": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
