"""Property-based: whatever shape a valid export takes, every data row reaches the lake exactly
once with its values intact, and the file log accounts for it."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipelines.ingest.loader import ingest
from pipelines.registry import load_registry
from pipelines.settings import REPO_ROOT

REGISTRY = load_registry(REPO_ROOT / "data" / "sources.yml")
WEB = next(s for s in REGISTRY if s.code == "dpmptsp_web")
KIOSK = next(s for s in REGISTRY if s.code == "dishub_kiosk")

# Text a respondent may type: letters incl. Latin-1 accents, punctuation, quotes, newlines.
# (0x80-0x9F are C1 controls nobody types; in Windows files those bytes are cp1252's euro and quotes)
free_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255,
                                           blacklist_characters="\x7f" + "".join(map(chr, range(0x80, 0xA0))))
                    | st.sampled_from(["\n", '"', ";", ",", "\t"]), max_size=40)
answer = st.sampled_from(["Sangat sesuai", "Sesuai", "kurang SESUAI", "4", "7", "", "Tidak tahu", "Lumayan"])


def _header_variant(draw, header: str, i: int) -> str:
    style = draw(st.sampled_from(["plain", "upper", "numbered", "spaced"]))
    return {"plain": header, "upper": header.upper(), "numbered": f"{i}. {header}",
            "spaced": "  " + header.replace(" ", "  ") + " "}[style]


@st.composite
def csv_exports(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    rows = [
        [f"0{1 + i % 9}/03/2025 10:00:00", f"layanan-{i}", *[draw(answer) for _ in range(9)],
         draw(st.sampled_from(["L", "P", ""])), str(draw(st.integers(15, 80))), "SMA", "Swasta",
         draw(free_text), "Nama Orang", "08123456789"]
        for i in range(n)
    ]
    headers = [_header_variant(draw, h, i) for i, h in enumerate(WEB.columns.values(), start=1)]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    trailing_blank = draw(st.integers(0, 3))
    return headers, rows, delimiter, encoding, trailing_blank


def _lake(data_dir: Path) -> list[dict]:
    con = duckdb.connect()
    rel = con.execute(f"SELECT * FROM read_parquet('{data_dir}/warehouse/raw/responses/*/*.parquet') ORDER BY row_number")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r)) for r in rel.fetchall()]


def _norm(v: str) -> str | None:
    return v.strip(" \t\r\n\xa0") or None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_exports())
def test_csv_variants_lose_and_duplicate_nothing(export):
    headers, rows, delimiter, encoding, trailing_blank = export
    with tempfile.TemporaryDirectory() as d:
        data_dir = Path(d)
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delimiter)
        w.writerow(headers)
        w.writerows(rows)
        w.writerows([[""] * len(headers)] * trailing_blank)
        f = data_dir / "raw/dpmptsp_web/2025-S1/export.csv"
        f.parent.mkdir(parents=True)
        data = buf.getvalue().encode(encoding)
        try:
            # latin-1 / cp1252 bytes that also form valid UTF-8 with another meaning ('Â' + NBSP is
            # the bytes of a UTF-8 NBSP) are ambiguous by nature: the reader takes them as UTF-8
            assume(data.decode("utf-8") == buf.getvalue())
        except UnicodeDecodeError:
            pass
        f.write_bytes(data)
        result = ingest([WEB], data_dir, data_dir / "warehouse/raw", key="s")
        (rec,) = result.files
        assert rec.status == "loaded", rec.message
        assert (rec.rows_read, rec.rows_blank) == (len(rows), trailing_blank)
        got = _lake(data_dir)
        assert [r["row_number"] for r in got] == list(range(1, len(rows) + 1))
        assert [r["jenis_layanan"] for r in got] == [r[1] for r in rows]
        assert [r["u_waktu"] for r in got] == [_norm(r[4]) for r in rows]
        assert [r["saran"] for r in got] == [_norm(r[15]) for r in rows]


@st.composite
def json_exports(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    recs = []
    for i in range(n):
        rec = {KIOSK.columns["submission_id"]: f"S-{i}", KIOSK.columns["submitted_at"]: "2025-03-05T02:00:00Z",
               KIOSK.columns["jenis_layanan"]: "Uji KIR"}
        for u in ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "sarana", "pengaduan"):
            rec[KIOSK.columns[u]] = draw(st.sampled_from([1, 2, 3, 4, 7, None, "3"]))
        rec[KIOSK.columns["saran"]] = draw(free_text)
        recs.append(rec)
    return recs, draw(st.sampled_from(["array", "ndjson"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_exports())
def test_json_arrays_and_ndjson_lose_and_duplicate_nothing(export):
    recs, shape = export
    with tempfile.TemporaryDirectory() as d:
        data_dir = Path(d)
        f = data_dir / "raw/dishub_kiosk/2025-S1" / ("dump.json" if shape == "array" else "dump.ndjson")
        f.parent.mkdir(parents=True)
        text = json.dumps(recs) if shape == "array" else "\n".join(json.dumps(r) for r in recs) + "\n"
        f.write_text(text)
        (rec,) = ingest([KIOSK], data_dir, data_dir / "warehouse/raw", key="s").files
        assert rec.status == "loaded", rec.message
        got = _lake(data_dir)
        assert [r["submission_id"] for r in got] == [f"S-{i}" for i in range(len(recs))]
        expected = [None if r[KIOSK.columns["waktu"]] is None else str(r[KIOSK.columns["waktu"]]) for r in recs]
        assert [r["u_waktu"] for r in got] == expected
        assert [r["saran"] for r in got] == [_norm(r[KIOSK.columns["saran"]]) for r in recs]
