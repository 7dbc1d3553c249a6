"""Settings for union_portal: one module, configured by environment variables.

Every variable is listed in README.md ("Configuration"). With none set the portal runs
in development mode on an embedded SQLite file and a filesystem Celery broker.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# With DEBUG on, the portal still shows its Chinese 404/500 pages unless this is set
# (apps/core/errors.DebugErrorPagesMiddleware).
DEBUG_TECHNICAL_ERRORS = env_bool("DEBUG_TECHNICAL_ERRORS", False)

# --- secrets -------------------------------------------------------------------------
_DEV_SECRET_KEY = "dev-insecure-union-portal-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production refuses the default key)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY is a default or too short (< 50 characters).")

# Key for personal-data encryption (members issue). Production must set it explicitly.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
if not FIELD_ENCRYPTION_KEY and not DEBUG:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Number of reverse proxies in front of the app whose X-Forwarded-For we trust (0 = none).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- applications --------------------------------------------------------------------
INSTALLED_APPS = [
    "apps.core.admin_site.PortalUnfoldConfig",  # unfold, with the portal's admin site
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "axes",
    "csp",
    "apps.core",
    "apps.organizations",
    "apps.accounts",
    "apps.members",
    "apps.payments",
    "apps.honours",
    "apps.competitions",
    "apps.petitions",
    "apps.legal_aid",
    "apps.service_points",
    "apps.activities",
    "apps.condolences",
    "apps.milestones",
    "apps.mutual_aid",
    "apps.hardship",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "apps.accounts.middleware.ActingScopeMiddleware",
    "apps.core.errors.DebugErrorPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.AdminCSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "union_portal.urls"
WSGI_APPLICATION = "union_portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "apps.accounts.context_processors.acting",
            ],
        },
    },
]

# --- database ------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# Set per run by .ci/testenv.py: parallel runs never share a PostgreSQL test database.
if os.environ.get("TEST_DATABASE_NAME") and "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication and sessions -----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "apps.accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle time-out: the cookie expires this long after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = False  # the idle time-out is renewed at most once a minute (SessionTimeoutMiddleware)
# Absolute time-out: a session ends this long after log-in, however active.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "apps.core.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- security headers ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "apps.core.errors.csrf_failure"  # Chinese page instead of Django's English one
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Health checks come from inside the network over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The admin alone adds 'unsafe-eval' (apps/core/middleware.AdminCSPMiddleware).
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and uploaded files -------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
# Uploaded and generated files live outside the web root and are served only through
# permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "files"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- cache (rate limits of the public competition pages) ---------------------------------
# Shared across processes when CACHE_URL points at Redis (production); per process otherwise.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- certificates ----------------------------------------------------------------------
# A TrueType CJK font embedded in certificate PDFs (default: Debian's fonts-wqy-zenhei) and the
# address printed in their QR codes when a certificate is made outside a request.
CERTIFICATE_FONT = os.environ.get("CERTIFICATE_FONT", "")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")

# --- Celery ----------------------------------------------------------------------------
# Redis (or any kombu URL) when CELERY_BROKER_URL / REDIS_URL is set; otherwise kombu's
# filesystem transport, an embedded broker that needs no server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = Path(os.environ.get("CELERY_FS_DIR", VAR_DIR / "celery-broker"))
    for sub in ("out", "processed", "control"):
        (_queue_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_queue_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
# One queue name per test run (.ci/testenv.py), so parallel runs on one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# The payments sweeper (recovery) has its own queue so a backlog of chunks on the default
# queue never delays it. Every worker consumes both (CELERY_TASK_QUEUES: a worker started
# without -Q takes them all); the kill test names both with -Q.
CELERY_PAYMENTS_SWEEP_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.payments-sweep"
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(CELERY_PAYMENTS_SWEEP_QUEUE))
CELERY_TASK_ROUTES = {"apps.payments.tasks.sweep_stuck_items": {"queue": CELERY_PAYMENTS_SWEEP_QUEUE}}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60  # below the broker's visibility timeout
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs (run `celery -A union_portal beat`).
CELERY_BEAT_SCHEDULE = {
    "payments-sweep-stuck-items": {"task": "apps.payments.tasks.sweep_stuck_items", "schedule": 60.0,
                                   "options": {"queue": CELERY_PAYMENTS_SWEEP_QUEUE}},
}

# --- payments ----------------------------------------------------------------------------
# Batches whose total is above this (yuan) need two distinct approvers.
PAYMENTS_DUAL_APPROVAL_ABOVE = os.environ.get("PAYMENTS_DUAL_APPROVAL_ABOVE", "50000.00")
# Welfare aid: claims / applications above these amounts (yuan) need the municipal union's approval
# after the unit's; one person's hardship aid per calendar year is capped.
MUTUAL_AID_MUNICIPAL_ABOVE = os.environ.get("MUTUAL_AID_MUNICIPAL_ABOVE", "5000.00")
HARDSHIP_MUNICIPAL_ABOVE = os.environ.get("HARDSHIP_MUNICIPAL_ABOVE", "3000.00")
HARDSHIP_YEARLY_CAP = os.environ.get("HARDSHIP_YEARLY_CAP", "20000.00")
# Approving needs the password again unless the approver logged in within this many seconds.
PAYMENTS_REAUTH_SECONDS = int(os.environ.get("PAYMENTS_REAUTH_SECONDS", "300"))
# Disbursement: items per chunk task; a disbursing batch with no progress for this long is re-queued.
PAYMENTS_CHUNK_SIZE = int(os.environ.get("PAYMENTS_CHUNK_SIZE", "200"))
PAYMENTS_STUCK_AFTER_SECONDS = int(os.environ.get("PAYMENTS_STUCK_AFTER_SECONDS", "300"))
# The gateway: "simulated" (demo, tests) or "bank_file" (transfer file out, return file in).
PAYMENTS_GATEWAY = os.environ.get("PAYMENTS_GATEWAY", "simulated")
# The simulated bank: accounts it refuses, and its latency in seconds per bank call — one call
# books a round of up to PAY_ROUND (500) items, i.e. a whole chunk (not a per-item delay).
PAYMENTS_SIMBANK_FAIL_ACCOUNTS = env_list("PAYMENTS_SIMBANK_FAIL_ACCOUNTS")
PAYMENTS_SIMBANK_DELAY = float(os.environ.get("PAYMENTS_SIMBANK_DELAY", "0"))
# TEST-ONLY: switches the exactly-once protections off so the kill test's control run can
# prove the test detects a double payment. Never set it anywhere else.
PAYMENTS_UNSAFE_NO_IDEMPOTENCY = env_bool("PAYMENTS_UNSAFE_NO_IDEMPOTENCY", False)
if PAYMENTS_UNSAFE_NO_IDEMPOTENCY and not DEBUG:
    raise ImproperlyConfigured("PAYMENTS_UNSAFE_NO_IDEMPOTENCY is for the kill test's control run only.")

# --- petitions (12351 诉求) -------------------------------------------------------------
# Office hours that count as working time (lunch excluded); a working day is their length.
PETITIONS_OFFICE_HOURS = os.environ.get("PETITIONS_OFFICE_HOURS", "08:30-12:00,13:00-17:30")
# Cases due within this many working hours are "即将超期" (warned once, listed in the work queue).
PETITIONS_DUE_SOON_HOURS = int(os.environ.get("PETITIONS_DUE_SOON_HOURS", "8"))
CELERY_BEAT_SCHEDULE["petitions-deadline-watch"] = {
    "task": "apps.petitions.tasks.watch_deadlines", "schedule": 15 * 60.0,
}

# --- outbox (apps/core/outbox.py): messages to members through a channel --------------------
# The WeCom group robot's webhook address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…).
OUTBOX_WECOM_WEBHOOK_URL = os.environ.get("OUTBOX_WECOM_WEBHOOK_URL", "")
# The channel new messages use: "wecom" when a webhook is configured, else "log" (development).
OUTBOX_CHANNEL = os.environ.get("OUTBOX_CHANNEL", "wecom" if OUTBOX_WECOM_WEBHOOK_URL else "log")
OUTBOX_MAX_TRIES = int(os.environ.get("OUTBOX_MAX_TRIES", "5"))
OUTBOX_BACKOFF_SECONDS = float(os.environ.get("OUTBOX_BACKOFF_SECONDS", "30"))
OUTBOX_HTTP_TIMEOUT = float(os.environ.get("OUTBOX_HTTP_TIMEOUT", "10"))
CELERY_BEAT_SCHEDULE["outbox-deliver-due"] = {"task": "apps.core.tasks.outbox_deliver_due", "schedule": 60.0}
# Milestones (入职/入会 5/10/20/30 年): on the 1st of each month at 08:00.
CELERY_BEAT_SCHEDULE["milestones-monthly"] = {
    "task": "apps.milestones.tasks.milestones_monthly",
    "schedule": crontab(minute=0, hour=8, day_of_month=1),
}
# --- service points and booking (服务阵地与预约) -----------------------------------------
CELERY_BEAT_SCHEDULE["service-points-no-shows"] = {
    "task": "apps.service_points.tasks.mark_no_shows", "schedule": 30 * 60.0,
}

# --- REST API ------------------------------------------------------------------------
# A list's COUNT(*) stops here: beyond it the admin shows "5000+" and the API's count_capped is
# true, so a filtered list of the whole city does not count 500,000 rows per page (apps/core/paging.py).
PAGE_COUNT_CAP = int(os.environ.get("PAGE_COUNT_CAP", "5000"))

REST_FRAMEWORK = {
    # The token class comes first: a missing or bad token is a 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.accounts.api.permissions.RolePermissions"],
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.paging.PortalPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Browsers get the portal-styled, Chinese, read-only page (apps/core/api_browsable.py).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "apps.core.api_browsable.PortalBrowsableAPIRenderer",
    ],
    "VIEW_NAME_FUNCTION": "apps.core.api_browsable.view_name",
}
# API tokens (django-rest-knox): stored hashed, expire API_TOKEN_TTL_HOURS after issue,
# revoked by POST /api/v1/auth/token/revoke/ (or revoke-all/, or deleted by a superuser in the admin).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "24"))),
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "union_portal API",
    "DESCRIPTION": "北京市教育工会门户 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Tags are the first segment after this prefix (organizations, members, welfare …); guessed from the
    # paths it became "v1" for every operation once the schema grew, and the UI listed one tag.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api_schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "apps.core.enums.JobStatus",
        "MemberStatusEnum": "apps.members.enums.MemberStatus",
        "HonourStatusEnum": "apps.honours.enums.HonourStatus",
        "AllowanceKindEnum": "apps.honours.allowance_models.AllowanceKind",
        "CaseStatusEnum": "apps.petitions.enums.CaseStatus",
        "CaseKindEnum": "apps.petitions.enums.CaseKind",
        "PlatformAccountStatusEnum": "apps.petitions.enums.AccountStatus",
        "ConsultationStatusEnum": "apps.legal_aid.enums.ConsultationStatus",
        "ServicePointKindEnum": "apps.service_points.enums.PointKind",
        "BookableResourceKindEnum": "apps.service_points.enums.ResourceKind",
        "RecognitionLevelEnum": "apps.service_points.enums.RecognitionLevel",
        "BookingStatusEnum": "apps.service_points.enums.BookingStatus",
        "CondolenceKindEnum": "apps.condolences.enums.Kind",
        "CondolencePayerEnum": "apps.condolences.enums.Payer",
        "ActivityPayerEnum": "apps.activities.enums.Payer",
        "CondolenceCampaignKindEnum": "apps.condolences.enums.CAMPAIGN_KIND_CHOICES",
        "CondolenceOccasionKindEnum": "apps.condolences.enums.OCCASION_KIND_CHOICES",
        "HonourTitleLevelEnum": "apps.honours.enums.TitleLevel",  # "level" is also a hardship file's
        "PetitionSourceEnum": "apps.petitions.enums.Source",  # "source" is also an enrolment's
        "HardshipFileStatusEnum": "apps.hardship.enums.FileStatus",
        "HardshipLevelEnum": "apps.hardship.enums.HardshipLevel",
        "AidKindEnum": "apps.hardship.enums.AidKind",
        "AidStatusEnum": "apps.hardship.enums.ApplicationStatus",  # claims share these choices
        "AidActionEnum": "apps.hardship.enums.ApplicationAction",
        "FundEntryKindEnum": "apps.hardship.enums.EntryKind",
        "DonorKindEnum": "apps.hardship.enums.DonorKind",
        "MutualAidEnrolmentSourceEnum": "apps.mutual_aid.enums.EnrolmentSource",
        "MutualAidBenefitRuleEnum": "apps.mutual_aid.enums.BenefitRule",
        "MutualAidEligibilityEnum": "apps.mutual_aid.enums.Eligibility",
    },
}

# --- admin theme -----------------------------------------------------------------------
# One look with the portal: the union's red (portal.css --brand #b91c1c is primary-600 here),
# the portal's logo and favicon (static/favicon.svg), Chinese strings from locale/.
UNFOLD = {
    "SITE_TITLE": "北京市教育工会",
    "SITE_HEADER": "北京市教育工会 · 工作平台",
    "SITE_URL": "/",
    "SITE_ICON": {"light": "apps.core.branding.site_icon", "dark": "apps.core.branding.site_icon"},
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": "apps.core.branding.site_icon"},
    ],
    "DASHBOARD_CALLBACK": "apps.core.dashboard.dashboard_callback",
    "SHOW_LANGUAGES": False,
    "COLORS": {
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(57.7% .245 27.325)",
            "600": "oklch(50.5% .213 27.518)",
            "700": "oklch(44.4% .177 26.899)",
            "800": "oklch(39.6% .141 25.723)",
            "900": "oklch(33% .115 25.9)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
}

# --- logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "apps.core.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}
