"""Password hashing (argon2id) and the password policy (security checklist A6, ASVS 6.2).

The policy is the NIST/ASVS one: a minimum length, a generous maximum (no truncation: argon2
hashes every byte), any character at all, and no password from the list of common ones. No
composition rules and no forced rotation.
"""
from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from services.texts import _

MIN_LENGTH = 12
MAX_LENGTH = 256  # generous for passphrases, small enough that hashing stays cheap
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"

# Above OWASP's argon2id floor (m=19456 KiB, t=2, p=1): 32 MiB, 2 passes, one lane, about 40 ms
# on this kind of machine. Raising these later is safe: older hashes are rehashed at sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=32768, parallelism=1)
# Verifying against this for unknown accounts costs the same as for real ones (checklist A1).
_DUMMY_HASH = _hasher.hash("the dummy password used to even out timing")


class PasswordPolicyError(ValueError):
    """A password the policy refuses; the message is shown to the person choosing it."""


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    new_hash: str | None = None  # set when the stored hash used older parameters


def normalise(password: str) -> str:
    # NFKC so that the same passphrase typed on two keyboards hashes the same (NIST 800-63B 5.1.1.2).
    return unicodedata.normalize("NFKC", password)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def check_policy(password: str, *, email: str | None = None, min_length: int = MIN_LENGTH) -> None:
    """Raise PasswordPolicyError with a message a person can act on."""
    password = normalise(password)
    if len(password) < min_length:
        raise PasswordPolicyError(_("Use at least %(count)s characters. A few unrelated words work well.", count=min_length))
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(_("Use at most %(count)s characters.", count=MAX_LENGTH))
    if password.strip() == "":
        raise PasswordPolicyError(_("A password can't be only spaces."))
    if password.lower() in _common_passwords():
        raise PasswordPolicyError(_("That password is on a list of commonly used passwords. Please choose another."))
    if email:
        local = email.split("@", 1)[0].lower()
        if password.lower() in (email.lower(), local):
            raise PasswordPolicyError(_("Your password can't be your email address."))
    if len(set(password)) < 4:
        raise PasswordPolicyError(_("That password repeats too few characters. Please choose another."))


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> VerifyResult:
    """Check a password; with no stored hash a dummy verify runs so the timing matches."""
    candidate = normalise(password)
    if not stored_hash:
        _verify_quietly(_DUMMY_HASH, candidate)
        return VerifyResult(ok=False)
    if not _verify_quietly(stored_hash, candidate):
        return VerifyResult(ok=False)
    if _hasher.check_needs_rehash(stored_hash):
        return VerifyResult(ok=True, new_hash=_hasher.hash(candidate))
    return VerifyResult(ok=True)


def spend_verify_time() -> None:
    """Spend what one verify costs, for paths that refuse before verifying (locked, disabled)."""
    _verify_quietly(_DUMMY_HASH, "not the dummy password")


def _verify_quietly(stored_hash: str, candidate: str) -> bool:
    try:
        return _hasher.verify(stored_hash, candidate)
    except (VerificationError, InvalidHashError):
        return False
