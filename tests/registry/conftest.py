from tests.fast_hashing import fast_password_hashing  # noqa: F401
