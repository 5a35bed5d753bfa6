"""Cheap costs for the secrets the suite makes by the hundred: key store files
(scrypt, ~0.35 s each at the production cost) and passwords (argon2id, ~0.18 s
a hash or a login). Production keeps the settings' defaults; tests/chain/test_keys.py
covers the key store at a real cost."""

KEY_SCRYPT_N = 2**4
ENVIRONMENT = {
    "TANQUAN_KEY_SCRYPT_N": str(KEY_SCRYPT_N),
    "TANQUAN_PASSWORD_TIME_COST": "1",
    "TANQUAN_PASSWORD_MEMORY_KIB": "32",  # argon2's least for its 4 lanes
    # Not a cost, but what every gateway of the suite needs as well: the key of the ID numbers' hashes,
    # which an operator keeps outside the data directory (security.identity_key).
    "TANQUAN_IDENTITY_KEY": "tanquan-tests-identity-key",
}

# Rates per client address far above what the suite asks from 127.0.0.1 or the test client.
GENEROUS_LIMITS = {
    f"TANQUAN_{name}": "1000000" for name in (
        "PUBLIC_REQUESTS_PER_MINUTE", "PAGE_REQUESTS_PER_MINUTE", "LOGIN_REQUESTS_PER_MINUTE", "REGISTRATIONS_PER_HOUR",
    )
}
