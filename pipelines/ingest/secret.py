"""The installation's secret key for ``respondent_hash``, and the keyed hash itself.

Why a secret and not a salt in the code: ``respondent_hash`` stands for a respondent's personal
data (nama, no_hp, email, nik) so that duplicates can be told apart without keeping the data.
NIK and Indonesian phone numbers are few enough to try them all: a hash whose salt is a constant
everyone can read is reversed by hashing every
candidate (the loader used to fall back to such a constant). So the hash is HMAC-SHA256 under
a key that exists only on the installation:

- ``SKM_PII_SALT``, when set (its UTF-8 bytes), wins: for a deployment that keeps its secrets in
  the environment or a vault;
- otherwise ``<SKM_DATA_DIR>/secrets/pii_salt``: 32 random bytes (``secrets``), hex, created on
  first use with mode 0600 (the folder 0700), never in git, and read again on every later run.

The same respondent must hash the same way in every semester, so the key has to survive a move to
another machine (copy the file, or set ``SKM_PII_SALT`` to its content); a lost key means new
hashes, and respondents from before no longer match (README, "Sources").

The hash is computed in DuckDB SQL inside the ingest's COPY (no Python loop over rows):
HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)), the two padded keys precomputed here.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

ENV_VAR = "SKM_PII_SALT"
_BLOCK = 64  # SHA-256 block size in bytes


def secret_path(data_dir: Path) -> Path:
    return Path(data_dir) / "secrets" / "pii_salt"


def pii_key(data_dir: Path) -> bytes:
    """The key: ``SKM_PII_SALT`` when set, else the installation's secret file (created once)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env.encode("utf-8")
    path = secret_path(data_dir)
    if not path.exists():
        _create(path)
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        # never replaced silently: a new key would give every respondent a new hash
        raise RuntimeError(f"{path}: not a hex secret of at least 16 bytes; restore it from a backup, "
                           f"or set {ENV_VAR} (README, 'Sources')")
    return key


def _create(path: Path) -> None:
    """Write a new secret so that a concurrent first run never sees half a file: a private
    temporary file, then a hard link to the final name (which fails when another run won)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(k ^ ipad, k ^ opad) for HMAC-SHA256 (RFC 2104): a key longer than a block is hashed first."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sha256_sql(message_sql: str, key: bytes) -> str:
    """DuckDB expression: the hex HMAC-SHA256 of the VARCHAR ``message_sql`` (its UTF-8 bytes)."""
    inner, outer = hmac_pads(key)
    return (f"sha256(unhex('{outer.hex()}') || unhex(sha256(unhex('{inner.hex()}') "
            f"|| encode({message_sql}))))")
