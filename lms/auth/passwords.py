"""Initial passwords for new and reset accounts: random, and easy to copy from a printed sheet."""
import secrets

#: No 0/O, 1/l/I: a teacher reads these aloud to a class or copies them from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
INITIAL_PASSWORD_LENGTH = 10


def generate_initial_password(length: int = INITIAL_PASSWORD_LENGTH) -> str:
    """A random password with at least one letter and one digit (never all digits)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password):
            return password
