"""respondent_hash is an HMAC-SHA256 under the installation's own secret, not a constant salt."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import stat
from pathlib import Path

import pytest

from pipelines.ingest.loader import ingest
from pipelines.ingest.secret import hmac_pads, pii_key, secret_path
from tests.test_ingest_loader import REGISTRY, _web_rows, lake_rows, write_web_csv


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKM_PII_SALT", raising=False)


def landed(data_dir: Path, n: int = 3) -> Path:
    write_web_csv(data_dir / "raw/dpmptsp_web/2025-S1/export.csv", _web_rows(n))
    return data_dir


def hashes(data_dir: Path, lake: str = "warehouse/raw") -> dict[int, str]:
    """row number -> respondent_hash, after an ingest with the installation's default key."""
    ingest(REGISTRY, data_dir, data_dir / lake)
    return {r["row_number"]: r["respondent_hash"] for r in lake_rows(data_dir / lake)}


def test_the_secret_is_created_once_private_and_reused(tmp_path: Path):
    data_dir = landed(tmp_path)
    first = hashes(data_dir)
    path = secret_path(data_dir)
    assert path == data_dir / "secrets" / "pii_salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    content = path.read_bytes()
    assert len(bytes.fromhex(content.decode().strip())) == 32
    assert [p.name for p in path.parent.iterdir()] == ["pii_salt"]  # no temporary file left

    # a second ingest (a fresh lake: every file read again) reuses the file: same respondent, same hash
    again = hashes(data_dir, "warehouse/raw2")
    assert path.read_bytes() == content
    assert again == first and len(set(first.values())) == 3


def test_two_installations_hash_the_same_person_differently(tmp_path: Path):
    """No constant default anywhere: two fresh data folders, the same exports, other hashes."""
    a = landed(tmp_path / "a")
    b = tmp_path / "b"
    shutil.copytree(a, b)
    ha, hb = hashes(a), hashes(b)
    assert secret_path(a).read_bytes() != secret_path(b).read_bytes()
    assert ha.keys() == hb.keys() and not set(ha.values()) & set(hb.values())


def test_the_hash_is_hmac_sha256_of_the_personal_data(tmp_path: Path):
    data_dir = landed(tmp_path)
    got = hashes(data_dir)
    key = bytes.fromhex(secret_path(data_dir).read_text().strip())
    # the source maps nama and no_hp; the message is those values joined by '|', in PII_FIELDS order
    want = hmac.new(key, "Budi Santoso 0|08120000000".encode(), hashlib.sha256).hexdigest()
    assert got[1] == want


def test_skm_pii_salt_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data_dir = landed(tmp_path)
    monkeypatch.setenv("SKM_PII_SALT", "rahasia-pemkot-bontang")
    got = hashes(data_dir)
    assert not secret_path(data_dir).exists()  # nothing written when the environment has the key
    want = hmac.new(b"rahasia-pemkot-bontang", "Budi Santoso 1|08120000001".encode(), hashlib.sha256).hexdigest()
    assert got[2] == want


def test_a_damaged_secret_is_refused_not_replaced(tmp_path: Path):
    path = secret_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("not hex\n")
    with pytest.raises(RuntimeError, match="pii_salt"):
        pii_key(tmp_path)
    assert path.read_text() == "not hex\n"


@pytest.mark.parametrize("key", [b"", b"k", b"x" * 64, b"y" * 100])
def test_the_padded_keys_give_python_hmac(key: bytes):
    import duckdb

    from pipelines.ingest.secret import hmac_sha256_sql

    inner, outer = hmac_pads(key)
    assert len(inner) == len(outer) == 64
    msg = "Siti Aminah|0812-3456-7890|siti@mail.com|6474010106800640"
    got = duckdb.connect().execute(f"SELECT {hmac_sha256_sql('?', key)}", [msg]).fetchone()[0]
    assert got == hmac.new(key, msg.encode(), hashlib.sha256).hexdigest()
