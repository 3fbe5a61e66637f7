# The seed's Django shop, reduced to its QQ bind view, as the bench's peer for bind throughput
# (bench/django_peer.ts starts it with gunicorn). Only what that view needs: auth, sessions, a cache
# for SMS codes (the seed's redis, here a table every worker shares) and bcrypt at the app's cost.
import os

SECRET_KEY = os.environ["PEER_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "oauth",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["PEER_DB"],
        "OPTIONS": {"timeout": 30},
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "verify_codes",
        # redis kept every code until it expired; Django's table would cull past 300 entries
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
AUTH_USER_MODEL = "oauth.User"
PASSWORD_HASHERS = ["hashers.BCryptAtBenchCost"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
