import os

from django.contrib.auth.hashers import BCryptPasswordHasher


class BCryptAtBenchCost(BCryptPasswordHasher):
    """Django's bcrypt (the C library python3-bcrypt) at the cost the bench gives the app."""

    rounds = int(os.environ.get("PEER_BCRYPT_COST", "10"))
