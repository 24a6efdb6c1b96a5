"""Personal data as respondents really type it into a saran, against the real masking macros and
the publication gate's patterns (one home: vars.pii_patterns in dbt_project.yml).

The macros are compiled by dbt (`dbt compile --inline`, once for the module) and the compiled SQL
runs in DuckDB over the corpus; no pipeline run, no warehouse build.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.pii import any_shape_pattern, pii_patterns, shape_patterns
from tests.lake_fixtures import run_dbt

# (saran as typed, the personal data in it: none of these substrings may be published)
CORPUS: list[tuple[str, list[str]]] = [
    # the six of the issue
    ("WA 0812.3456.7890", ["0812.3456.7890"]),
    ("Hubungi saya di (0812) 3456-7890", ["(0812) 3456-7890", "3456-7890"]),
    ("NIK saya 6474 0101 0680 0640", ["6474 0101 0680 0640"]),
    ("NIK:6474010106800640a", ["6474010106800640"]),
    ("hp 62 812 3456 7890", ["62 812 3456 7890", "3456 7890"]),
    ("Saya Budi Santoso dari Loktuan", ["Budi Santoso"]),
    # phone numbers
    ("Mohon dihubungi ke 081234567890 kalau berkas sudah jadi", ["081234567890"]),
    ("no hp saya 0812-3456-7890, terima kasih", ["0812-3456-7890"]),
    ("Telp +62 812-3456-7890 untuk konfirmasi", ["+62 812-3456-7890", "3456-7890"]),
    ("kontak +6281234567890 (WA aktif)", ["+6281234567890", "81234567890"]),
    ("wa.me/6285247123456 admin tidak pernah balas", ["6285247123456"]),
    ("WA0813 5555 1234 tolong info antrean", ["0813 5555 1234", "5555 1234"]),
    ("Nomor saya 0852 4712 3456. Petugas belum menelepon", ["0852 4712 3456"]),
    ("Silakan telp (+62) 811 5432 1098 jam kerja", ["811 5432 1098", "5432 1098"]),
    ("hubungi +62 (812) 3456 7890 bila ada kekurangan berkas", ["(812) 3456 7890", "3456 7890"]),
    ("HP: 0821.5566.7788 / 0813-9988-7766 (istri)", ["0821.5566.7788", "0813-9988-7766"]),
    ("telp 0812 3456 7890 0813 1111 2222 dua nomor saya", ["0812 3456 7890", "0813 1111 2222", "1111 2222"]),
    ("sms ke 0812345678 saja", ["0812345678"]),
    ("Nomor WA: 0895-3344-55667 mohon dibalas", ["0895-3344-55667", "3344-55667"]),
    ("nomor 62-812-3456-7890 sudah saya kirim berkas", ["62-812-3456-7890", "3456-7890"]),
    # NIK
    ("NIK 6474010106800640 belum terdaftar di sistem", ["6474010106800640"]),
    ("NIK: 6474.0101.0680.0640 data ganda", ["6474.0101.0680.0640"]),
    ("KTP 6474-0101-0680-0640 ditolak padahal masih berlaku", ["6474-0101-0680-0640"]),
    ("nik saya 647401 010680 0640 salah ketik di kartu", ["647401 010680 0640"]),
    ("NIK 64.74.01.010680.0640 tidak bisa dicek", ["64.74.01.010680.0640"]),
    ("NIK6474010106800640, tolong diperbaiki", ["6474010106800640"]),
    ("nik anak 6474010106800640 dan 6474014506100001 belum masuk KK", ["6474010106800640", "6474014506100001"]),
    ("6474010106800640 6474010106800641 NIK suami istri", ["6474010106800640", "6474010106800641"]),
    # e-mail addresses
    ("kirim ke email budi.santoso@gmail.com saja", ["budi.santoso@gmail.com", "budi.santoso"]),
    ("Email: siti_aminah88@yahoo.co.id mohon balasan", ["siti_aminah88@yahoo.co.id", "siti_aminah88"]),
    ("email saya budi.santoso @ gmail.com", ["budi.santoso @ gmail.com", "budi.santoso"]),
    ("email ani.wijaya[at]gmail[dot]com terima kasih", ["ani.wijaya[at]gmail[dot]com", "ani.wijaya"]),
    ("balas ke dewi (at) bontangkota (dot) go (dot) id", ["dewi (at) bontangkota", "dewi"]),
    ("surel RINA.W@Mail.Com belum dapat notifikasi", ["RINA.W@Mail.Com", "RINA.W"]),
    ("emailnya joko123 [at] yahoo.com ya pak", ["joko123 [at] yahoo.com", "joko123"]),
    # names
    ("Nama saya Siti Aminah, mohon berkas dipercepat", ["Siti Aminah"]),
    ("nama saya budi, tolong dihubungi", ["budi"]),
    ("nama saya budi santoso tolong dihubungi", ["budi", "santoso"]),
    ("saya bernama siti nur aminah dari tanjung laut", ["siti", "nur aminah"]),
    ("atas nama m. yusuf belum selesai", ["yusuf"]),
    ("Saya bernama Dewi Lestari dan antre 3 jam", ["Dewi Lestari"]),
    ("Pengajuan atas nama Ahmad Fauzi belum selesai", ["Ahmad Fauzi"]),
    ("Berkas a.n. Rina Wati hilang di loket", ["Rina Wati"]),
    ("Paket a/n M. Yusuf Hidayat belum diambil", ["M. Yusuf Hidayat", "Yusuf Hidayat"]),
    ("Nama: Joko Susilo. Antre 2 jam", ["Joko Susilo"]),
    ("nama lengkap : Andi Pratama", ["Andi Pratama"]),
    ("saya H. Abdul Rahman dari Berbas Pantai, pelayanan lambat", ["Abdul Rahman"]),
    ("Saya Ketut Suardana warga Api-Api minta info", ["Ketut Suardana"]),
    # several kinds at once
    ("Nama saya Rudi Hartono, NIK 6474 0101 0680 0640, WA 0812-3456-7890, email rudi.h@gmail.com",
     ["Rudi Hartono", "6474 0101 0680 0640", "0812-3456-7890", "rudi.h@gmail.com"]),
    ("Saya Maria Ulfa dari Guntung, hubungi 0813.4567.8910", ["Maria Ulfa", "0813.4567.8910"]),
]

# Ordinary saran: numbers that are not personal data. They must stay as typed.
CLEAN: list[str] = [
    "Biaya Rp 50.000 terlalu mahal untuk legalisir",
    "Harusnya gratis, bukan Rp 1.500.000 seperti kemarin, atau Rp 750.000",
    "Tanggal 01-07-2025 saya datang, baru selesai 15-07-2025",
    "Pada 12/08/2025 pukul 14:30 sistem error",
    "antre 2 jam, loket 3 tutup dari jam 08.30 s.d. 10.00",
    "Buka jam 07.30-11.45 saja, sore tutup",
    "Nomor antrean 123, dipanggil setelah 45 menit",
    "Tahun 2024 lebih cepat daripada tahun 2025",
    "Pelayanan 100% memuaskan, rating 4.5 dari 5",
    "Hanya 20% loket yang buka, 3 dari 15",
    "Nomor antrian A-023 dan B-117, 20 orang menunggu",
    "Saya dari Loktuan, pelayanan cepat dan ramah",
    "nama layanan di papan kurang jelas",
    "Saran: tambah kursi ruang tunggu, minimal 50 kursi",
    "Sudah 3x datang dalam 2 minggu, RT 05 RW 02",
    "Suhu ruangan 30 derajat, AC mati sejak 2023",
    "Formulir F-1.01 dan F-1.02 membingungkan",
    "Petugas ramah. Terima kasih.",
]

PERSONAL = [text for text, _ in CORPUS]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The SELECT dbt compiles from the real macros, over a relation `corpus(t)`."""
    data_dir = tmp_path_factory.mktemp("pii")
    (data_dir / "warehouse").mkdir()
    proc = run_dbt(data_dir, "--quiet", "--inline",
                   "select t, {{ mask_personal_text('t') }} as saran, {{ mask_personal_data('t') }} as raw_value "
                   "from corpus", command="compile")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    sql = proc.stdout.strip()
    assert sql.lower().startswith("select"), sql[:500]
    return sql


def masked(compiled: str, texts: list[str]) -> dict[str, tuple[str, str]]:
    """text -> (mask_personal_text, mask_personal_data), both from DuckDB."""
    con = duckdb.connect()
    con.execute("CREATE TABLE corpus (t VARCHAR)")
    con.executemany("INSERT INTO corpus VALUES (?)", [(t,) for t in texts])
    return {t: (s, r) for t, s, r in con.execute(compiled).fetchall()}


def gate_finds(texts: list[str]) -> dict[str, bool]:
    """text -> does the gate's one-pass pattern find personal data in it."""
    con = duckdb.connect()
    return {t: con.execute("SELECT regexp_matches(?, ?)", [t, any_shape_pattern()]).fetchone()[0] for t in texts}


def test_the_corpus_is_realistic_and_large_enough():
    assert len(CORPUS) >= 40 and len(CLEAN) >= 15
    assert all(all(s in text for s in subs) for text, subs in CORPUS)  # the substrings are the text's


def test_every_personal_text_is_masked_and_its_personal_data_gone(compiled):
    got = masked(compiled, PERSONAL)
    leaks = [(text, got[text][0], s) for text, subs in CORPUS for s in subs if s in got[text][0]]
    assert not leaks
    assert all("disamarkan]" in got[text][0] for text in PERSONAL)


def test_the_six_texts_of_the_issue_are_masked_as_expected(compiled):
    got = masked(compiled, PERSONAL[:6])
    assert [got[t][0] for t in PERSONAL[:6]] == [
        "WA [nomor disamarkan]",
        "Hubungi saya di [nomor disamarkan]",
        "NIK saya [NIK disamarkan]",
        "NIK:[NIK disamarkan]a",
        "hp [nomor disamarkan]",
        "Saya [nama disamarkan] dari Loktuan",
    ]


def test_an_adjacent_second_number_is_masked_too(compiled):
    """A match consumes the boundary character after it (no lookarounds in RE2), which hides a
    number that follows after one space from the same pass: the macro replaces twice."""
    texts = ["0812 3456 7890 0813 1111 2222", "6474010106800640 6474010106800641",
             "0812-3456-7890 6474010106800640"]
    got = masked(compiled, texts)
    assert [got[t][0] for t in texts] == ["[nomor disamarkan] [nomor disamarkan]",
                                         "[NIK disamarkan] [NIK disamarkan]",
                                         "[nomor disamarkan] [NIK disamarkan]"]


def test_the_gate_finds_every_unmasked_text_and_nothing_in_the_masked_ones(compiled):
    got = masked(compiled, PERSONAL)
    assert [t for t, hit in gate_finds(PERSONAL).items() if not hit] == []
    masked_texts = [s for s, _ in got.values()]
    assert [t for t, hit in gate_finds(masked_texts).items() if hit] == []


def test_quarantine_raw_values_holding_personal_data_are_hidden_whole(compiled):
    got = masked(compiled, PERSONAL)
    assert {r for _, r in got.values()} == {"[hidden: looks like personal data]"}


def test_ordinary_saran_stays_as_typed(compiled):
    got = masked(compiled, CLEAN)
    assert [(t, got[t]) for t in CLEAN if got[t] != (t, t)] == []
    assert [t for t, hit in gate_finds(CLEAN).items() if hit] == []


def test_null_and_empty_texts_pass_through(compiled):
    con = duckdb.connect()
    con.execute("CREATE TABLE corpus AS SELECT * FROM (VALUES (NULL), ('')) v(t)")
    assert sorted(con.execute(compiled).fetchall(), key=str) == sorted([(None, None, None), ("", "", "")], key=str)


def test_the_patterns_suit_both_engines_and_their_one_home():
    """What the Spark macro relies on: no quote (Spark reads '' as two adjacent literals), no
    Jinja delimiters, no lookaround (RE2 has none); every shape the gate names has a pattern."""
    patterns = pii_patterns()
    for p in patterns:
        for text in (p.pattern, p.replacement):
            assert "'" not in text and not any(d in text for d in ("{{", "{%", "{#"))
        assert not any(x in p.pattern for x in ("(?=", "(?!", "(?<=", "(?<!"))
    assert set(shape_patterns()) == {"e-mail", "phone", "NIK", "name"}
    macros = (Path(__file__).parents[1] / "dbt_project" / "macros")
    for f in ("text_normalisation.sql", "spark.sql"):
        assert "disamarkan]'" not in (macros / f).read_text()  # no replacement text written in a macro


def test_the_gate_blocks_an_unmasked_phone_in_saran_and_names_it(tmp_path):
    """A warehouse whose marts.saran holds a phone number in free text that masking missed: the
    Dagster check fails and names saran.saran and the shape; masked texts pass."""
    from types import SimpleNamespace

    from pipelines.context import SkmContext
    from pipelines.quality.checks import no_personal_data_in_marts, personal_data_in_marts

    (tmp_path / "warehouse").mkdir()
    db = tmp_path / "warehouse" / "skm.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.saran (periode VARCHAR, opd_kode VARCHAR, saran VARCHAR, disamarkan BOOLEAN)")
        con.executemany("INSERT INTO marts.saran VALUES ('2025-S1', 'RSUD', ?, ?)",
                        [(t, False) for t in CLEAN] + [("WA [nomor disamarkan]", True)])
    with duckdb.connect(str(db), read_only=True) as con:
        assert personal_data_in_marts(con)[0] == []

    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO marts.saran VALUES ('2025-S1', 'RSUD', 'Hubungi saya di (0812) 3456-7890', false)")
    # the check's own function; what it reads of its context is the run context and the run id (a
    # run that built nothing here: every semester is scanned)
    context = SimpleNamespace(resources=SimpleNamespace(skm=SkmContext(data_dir=str(tmp_path))),
                              run=SimpleNamespace(run_id="no-such-run"))
    result = no_personal_data_in_marts.op.compute_fn.decorated_fn(context)
    assert not result.passed
    assert "saran.saran (phone-shaped value)" in result.description
