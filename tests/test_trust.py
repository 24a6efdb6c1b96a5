"""Can the number be trusted? Sample adequacy (Krejcie & Morgan), the 95 % interval of the
published index, whether a change is real, and the suspicious-submission rules with the policy
switch, each checked against numbers computed by hand on a hand-made lake.

One lake, two dbt builds (policy 'hitung', the default, and 'kecualikan'), run side by side.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from tests.lake_fixtures import LakeFile, Source, dbt_executable, query, row, run_dbt, write_lake
from pipelines.settings import DBT_PROJECT_DIR

WEB_A = Source("trust_a_web", "TRUSTA", "Dinas Lebar")
WEB_B = Source("trust_b_web", "TRUSTB", "Dinas Naik")
WEB_C = Source("trust_c_web", "TRUSTC", "Dinas Tetap")
KIOSK = Source("trust_kiosk", "TRUSTK", "Dinas Kiosk")
SERAGAM = Source("trust_s_web", "TRUSTS", "Dinas Seragam")
NORMAL = Source("trust_n_web", "TRUSTN", "Dinas Biasa")
MARKS_FLIP = Source("trust_m_web", "TRUSTM", "Dinas Bergantung")
SATISFIED = Source("trust_d_web", "TRUSTD", "Dinas Puas")
SOURCES = [WEB_A, WEB_B, WEB_C, KIOSK, SERAGAM, NORMAL, MARKS_FLIP, SATISFIED]
# An unrelated OPD that onboards later: a kecamatan's 5 000 paper responses, answers 3 or 4.
KECAMATAN = Source("kec_baru_paper", "KEC-BARU", "Kecamatan Baru")
S1, S2 = "2025-S1", "2025-S2"

# The populations, as the registry's kepercayaan.populasi block gives them (dbt var).
POPULASI = [
    {"periode": S1, "opd_kode": "TRUSTA", "populasi": 10},
    {"periode": S1, "opd_kode": "TRUSTB", "populasi": 20000},
    {"periode": S1, "opd_kode": "TRUSTB", "jenis_layanan": "Layanan Uji", "populasi": 100},
    {"periode": S1, "opd_kode": "TRUSTN", "populasi": 44},
]

# --- the answers, by respondent ----------------------------------------------------------------
A_S1 = [[4] * 9, [3] * 9, [4, 4, 4, 4, 3, 3, 3, 3, 3], [2, 3, 3, 3, 3, 3, 3, 3, 3]]
B_S1 = [[3] * 8 + [4]] * 5 + [[3] * 7 + [4, 4]] * 5          # 77.78 and 80.56: a narrow B
B_S2 = [[4] * 8 + [3]] * 5 + [[4] * 7 + [3, 3]] * 5          # 97.22 and 94.44: up, for real
C_S1 = [[3, 4, 3, 3, 4, 3, 3, 2, 3], [3, 3, 3, 4, 3, 3, 3, 3, 3], [2, 3, 3, 3, 4, 3, 3, 3, 3]]
C_S2 = [[3, 3, 3, 4, 3, 3, 3, 3, 3], [2, 3, 3, 3, 4, 3, 3, 3, 3], [3, 4, 3, 3, 4, 3, 3, 2, 3]]
REPEAT = [2, 3, 4, 3, 2, 3, 4, 3, 2]
# kiosk: (device, day, time, answers); k1-k5 a burst (5 in 4 minutes), k8 repeats k7 10 min later
KIOSK_ROWS = [
    *[("K1", 3, f"10:0{i}:00", [3] * i + [4] + [3] * (8 - i)) for i in range(5)],
    ("K1", 3, "14:00:00", [3, 4, 3, 4, 3, 4, 3, 4, 3]),
    ("K2", 3, "09:00:00", REPEAT),
    ("K2", 3, "09:10:00", REPEAT),
    ("K2", 3, "11:00:00", REPEAT),
    ("K2", 4, "09:00:00", [4, 4, 3, 3, 4, 4, 3, 3, 2]),
]
KIOSK_MARKED = {1: "beruntun", 2: "beruntun", 3: "beruntun", 4: "beruntun", 5: "beruntun", 8: "ulang_perangkat"}
VARIED = [3, 3, 4, 3, 2, 3, 3, 4, 3]
S_S1 = [[4] * 9] * 20 + [VARIED] * 20                       # half straight-lined: marked
N_S1 = [[4] * 9] * 2 + [VARIED] * 38                        # 5 %: the usual rate, not marked
# 30 % straight-lined (marked): with them 80.56 (B), without 72.22 (C); the interval stays in B
FLIP_REST = [3] * 8 + [2]
M_S1 = [[4] * 9] * 60 + [FLIP_REST] * 140
# 8 % straight-lined: under the rule that compared an OPD with the rest of the city, unmarked
# beside TRUSTS and TRUSTM (the rest at ~25 %) and marked once the kecamatan below (0.4 %) joins
D_S1 = [[4] * 9] * 8 + [VARIED] * 92


def kecamatan_answers(n: int = 5000) -> list[list[int]]:
    rng = random.Random(22)
    return [[rng.choice((3, 4)) for _ in range(9)] for _ in range(n)]


def rows_of(prefix: str, answer_sets: list[list[int]], month: int = 3) -> list[dict]:
    return [row(*a, submission_id=f"{prefix}-{i}", submitted_at=f"{(i % 27) + 1:02d}/{month:02d}/2025 10:00:00")
            for i, a in enumerate(answer_sets, 1)]


def kiosk_rows() -> list[dict]:
    return [row(*a, submission_id=f"k{i}", device_id=dev, submitted_at=f"{day:02d}/03/2025 {t}")
            for i, (dev, day, t, a) in enumerate(KIOSK_ROWS, 1)]


def files() -> list[LakeFile]:
    return [
        LakeFile(WEB_A, rows_of("a1", A_S1)),
        LakeFile(WEB_B, rows_of("b1", B_S1)),
        LakeFile(WEB_B, rows_of("b2", B_S2, month=9), periode_declared=S2),
        LakeFile(WEB_C, rows_of("c1", C_S1)),
        LakeFile(WEB_C, rows_of("c2", C_S2, month=9), periode_declared=S2),
        LakeFile(KIOSK, kiosk_rows()),
        LakeFile(SERAGAM, rows_of("s1", S_S1)),
        LakeFile(NORMAL, rows_of("n1", N_S1)),
        LakeFile(MARKS_FLIP, rows_of("m1", M_S1)),
        LakeFile(SATISFIED, rows_of("d1", D_S1)),
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three builds: the lake under each policy, and under 'hitung' with the kecamatan added."""
    dirs = {name: tmp_path_factory.mktemp(name) for name in ("hitung", "kecualikan", "kecamatan_baru")}
    for name, d in dirs.items():
        if name == "kecamatan_baru":
            write_lake(d, [*SOURCES, KECAMATAN], [*files(), LakeFile(KECAMATAN, rows_of("kec", kecamatan_answers()))])
        else:
            write_lake(d, SOURCES, files())
    policy = {"hitung": "hitung", "kecualikan": "kecualikan", "kecamatan_baru": "hitung"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run_dbt, d, vars={"populasi_tambahan": POPULASI,
                                                       "kebijakan_ditandai": policy[name]})
                   for name, d in dirs.items()}
        results = {name: f.result() for name, f in futures.items()}
    for name, res in results.items():
        assert res.returncode == 0, f"dbt build failed ({name}):\n{res.stdout[-6000:]}\n{res.stderr[-2000:]}"
    return dirs


def one(data_dir: Path, sql: str, *params: object) -> dict:
    rows = query(data_dir, sql, params)
    assert len(rows) == 1, (sql, params, rows)
    return rows[0]


def half_up(x: float | Decimal, digits: int = 2) -> Decimal:
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def nilai_ikm(answer_sets: list[list[int]]) -> float:
    """The regulation's index by hand: NRR per unsur = mean score, IKM = mean of the nine, x 25."""
    nrr = [sum(a[u] for a in answer_sets) / len(answer_sets) for u in range(9)]
    return sum(nrr) / 9 * 25


def interval(answer_sets: list[list[int]], published: Decimal, population: int | None) -> tuple:
    """s / sqrt(n) of the respondents' own scores (mean x 25), times the FPC when N is known."""
    own = [sum(a) / 9 * 25 for a in answer_sets]
    n = len(own)
    se = statistics.stdev(own) / math.sqrt(n)
    if population is not None:
        se *= math.sqrt((population - n) / (population - 1))
    return se, half_up(float(published) - 1.96 * se), half_up(float(published) + 1.96 * se)


# --- sample adequacy ---------------------------------------------------------------------------
# Krejcie & Morgan (1970), Table 1 (N -> S), every pair checked against the printed table. The
# table rounds to the nearest integer: N = 500 gives 217.47 -> 217 (rounding up would give 218),
# N = 50 gives 44.34 -> 44. (The printed 100 000 -> 384 is the table's own slip: the formula
# gives 382.6; it is not asserted.)
KM_TABLE = {10: 10, 15: 14, 20: 19, 30: 28, 50: 44, 100: 80, 200: 132, 300: 169, 400: 196, 500: 217,
            1000: 278, 2000: 322, 3000: 341, 5000: 357, 10000: 370, 20000: 377, 50000: 381, 75000: 382,
            1000000: 384}


def test_krejcie_morgan_macro_matches_the_published_table(tmp_path: Path):
    (tmp_path / "warehouse").mkdir()
    values = ", ".join(f"({n})" for n in KM_TABLE)
    sql = f"select n, {{{{ krejcie_morgan('n') }}}} as s from (values {values}) as t(n) order by n"
    res = subprocess.run(
        [dbt_executable(), "--quiet", "compile", "--inline", sql, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
        env={**os.environ, "SKM_DATA_DIR": str(tmp_path)},
    )
    assert res.returncode == 0, res.stdout + res.stderr
    compiled = res.stdout[res.stdout.index("select n"):]
    got = dict(duckdb.connect().execute(compiled).fetchall())
    print("Krejcie & Morgan N -> S:", got)
    assert got == KM_TABLE


def test_kecukupan_sampel_says_adequate_short_or_unknown(runs):
    d = runs["hitung"]
    a = one(d, "SELECT * FROM marts.kecukupan_sampel WHERE opd_kode = 'TRUSTA' AND level = 'opd'")
    assert (a["populasi"], a["sampel_minimum"], a["jumlah_responden"], a["memadai"], a["status"]) == (
        10, 10, 4, False, "kurang")
    b = one(d, "SELECT * FROM marts.kecukupan_sampel WHERE opd_kode = 'TRUSTB' AND level = 'opd' AND periode = ?", S1)
    assert (b["sampel_minimum"], b["jumlah_responden"], b["memadai"]) == (377, 10, False)
    lay = one(d, "SELECT * FROM marts.kecukupan_sampel WHERE opd_kode = 'TRUSTB' AND level = 'layanan' "
                 "AND periode = ?", S1)
    assert (lay["jenis_layanan"], lay["sampel_minimum"], lay["status"]) == ("Layanan Uji", 80, "kurang")
    n = one(d, "SELECT * FROM marts.kecukupan_sampel WHERE opd_kode = 'TRUSTN' AND level = 'opd'")
    assert (n["populasi"], n["sampel_minimum"], n["jumlah_responden"], n["memadai"], n["status"]) == (
        44, 40, 40, True, "memadai")
    # no population: unknown, never adequate
    c = one(d, "SELECT * FROM marts.kecukupan_sampel WHERE opd_kode = 'TRUSTC' AND level = 'opd' AND periode = ?", S2)
    assert (c["populasi"], c["sampel_minimum"], c["memadai"], c["status"]) == (
        None, None, None, "populasi tidak diketahui")


# --- uncertainty -------------------------------------------------------------------------------
def test_interval_with_fpc_matches_the_hand_computation_and_grade_is_not_certain(runs):
    r = one(runs["hitung"], "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTA'")
    published = half_up(nilai_ikm(A_S1))
    assert r["nilai_ikm"] == published == Decimal("83.33")
    se, lo, hi = interval(A_S1, published, population=10)
    # by hand: own scores 100, 75, 86.111, 72.222; s = 12.6279; / sqrt(4) = 6.3140; FPC sqrt(6/9) = 0.8165
    assert abs(se - 5.1553) < 1e-4
    assert float(r["galat_baku"]) == pytest.approx(se, abs=1e-4)
    assert float(r["fpc_faktor"]) == pytest.approx(math.sqrt(6 / 9), abs=1e-6) and r["fpc"] is True
    assert (r["ci_bawah"], r["ci_atas"]) == (lo, hi) == (Decimal("73.23"), Decimal("93.43"))
    assert (r["mutu_ci_bawah"], r["mutu_ci_atas"], r["mutu_pasti"]) == ("C", "A", False)


def test_interval_without_population_has_no_fpc_and_a_certain_grade(runs):
    r = one(runs["hitung"], "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTC' "
                            "AND periode = ?", S1)
    published = half_up(nilai_ikm(C_S1))
    se, lo, hi = interval(C_S1, published, population=None)
    assert r["fpc"] is False and r["fpc_faktor"] is None
    assert float(r["galat_baku"]) == pytest.approx(se, abs=1e-4)
    assert (r["nilai_ikm"], r["ci_bawah"], r["ci_atas"]) == (published, lo, hi)
    b = one(runs["hitung"], "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTB' "
                            "AND periode = ?", S1)
    se_b, lo_b, hi_b = interval(B_S1, b["nilai_ikm"], population=20000)
    assert (b["ci_bawah"], b["ci_atas"]) == (lo_b, hi_b)
    assert b["mutu"] == "B" and b["mutu_pasti"] is True
    # every published index has its interval: city, OPD, layanan
    levels = query(runs["hitung"], "SELECT level, count(*) AS n, count(ci_bawah) AS with_ci "
                                   "FROM marts.ketidakpastian_ikm GROUP BY level ORDER BY level")
    assert [(x["level"], x["n"], x["with_ci"]) for x in levels] == [("kota", 2, 2), ("layanan", 10, 10), ("opd", 10, 10)]


def test_a_change_is_real_only_when_larger_than_its_uncertainty(runs):
    d = runs["hitung"]
    b = one(d, "SELECT * FROM marts.ikm_perubahan WHERE opd_kode = 'TRUSTB' AND periode = ?", S2)
    se1 = interval(B_S1, half_up(nilai_ikm(B_S1)), 20000)[0]
    se2 = interval(B_S2, half_up(nilai_ikm(B_S2)), None)[0]
    assert b["periode_sebelumnya"] == S1
    assert b["selisih"] == half_up(nilai_ikm(B_S2)) - half_up(nilai_ikm(B_S1)) == Decimal("16.66")
    assert float(b["galat_baku_selisih"]) == pytest.approx(math.sqrt(se1 ** 2 + se2 ** 2), abs=2e-4)
    assert b["perubahan_nyata"] is True
    c = one(d, "SELECT * FROM marts.ikm_perubahan WHERE opd_kode = 'TRUSTC' AND periode = ?", S2)
    assert c["selisih"] == 0 and c["perubahan_nyata"] is False
    first = one(d, "SELECT * FROM marts.ikm_perubahan WHERE opd_kode = 'TRUSTC' AND periode = ?", S1)
    assert first["nilai_ikm_sebelumnya"] is None and first["perubahan_nyata"] is None


# --- suspicious submissions --------------------------------------------------------------------
def test_rules_mark_the_burst_the_repeat_and_the_excess_straight_lining_only(runs):
    d = runs["hitung"]
    hits = query(d, "SELECT submission_id, kode_aturan, alasan, file_name, row_number, device_id "
                    "FROM marts.respons_ditandai ORDER BY source_code, row_number, kode_aturan")
    kiosk = {(h["submission_id"], h["kode_aturan"]) for h in hits if h["submission_id"].startswith("k")}
    assert kiosk == {(f"k{i}", rule) for i, rule in KIOSK_MARKED.items()}
    repeat = next(h for h in hits if h["kode_aturan"] == "ulang_perangkat")
    assert repeat["row_number"] == 8 and repeat["device_id"] == "K2" and "10.0 menit" in repeat["alasan"]
    seragam = [h for h in hits if h["kode_aturan"] == "seragam" and h["submission_id"].startswith("s1")]
    assert {h["submission_id"] for h in seragam} == {f"s1-{i}" for i in range(1, 21)}
    # by hand, TRUSTS: 20 of 40 straight-lined = 50.0 %; the low end of its 95 % interval
    # 0.5 - 1.96 sqrt(0.25 / 40) = 34.5 %; its own answers predict (VARIED has 4 on two unsur, the
    # all-4 rows on every one) 0.5^7 = 0.8 % for all-4 and 0 for any other score
    low = 0.5 - 1.96 * math.sqrt(0.25 / 40)
    assert f"{half_up(low * 100, 1)} %" == "34.5 %"
    assert "di TRUSTS 50.0 % dari 40 respons seragam (batas bawah selang 95 %: 34.5 %)" in seragam[0]["alasan"]
    assert "memperkirakan 0.8 % (toleransi 10.0 poin)" in seragam[0]["alasan"]
    assert not [h for h in hits if h["submission_id"].startswith(("n1", "a1", "b", "c"))]


def test_a_repeat_in_the_same_minute_and_row_of_two_files_marks_the_later_file(tmp_path: Path):
    """Two exports of one kiosk hold the same submission (same device, minute and answers, other
    ids) on the same row number: the rule marks the copy in the later file name, every run."""
    source = Source("tie_kiosk", "TIEK", "Dinas Seri")
    def one_row(submission_id: str) -> list[dict]:
        return [row(*REPEAT, submission_id=submission_id, device_id="K9", submitted_at="05/03/2025 08:00:00")]
    write_lake(tmp_path, [source], [LakeFile(source, one_row("sore-1"), name="sore.csv"),
                                    LakeFile(source, one_row("pagi-1"), name="pagi.csv")])
    res = run_dbt(tmp_path)
    assert res.returncode == 0, res.stdout[-4000:]
    hits = query(tmp_path, "SELECT submission_id, file_name, row_number FROM marts.respons_ditandai "
                           "WHERE kode_aturan = 'ulang_perangkat'")
    assert hits == [{"submission_id": "sore-1", "file_name": "2025-S1/sore.csv", "row_number": 1}]


def test_policy_decides_whether_marked_rows_count_and_sensitivity_shows_both(runs):
    kept = [a for i, (_, _, _, a) in enumerate(KIOSK_ROWS, 1) if i not in KIOSK_MARKED]
    all_k = [a for _, _, _, a in KIOSK_ROWS]
    semua, tanpa = half_up(nilai_ikm(all_k)), half_up(nilai_ikm(kept))
    for policy, published in (("hitung", semua), ("kecualikan", tanpa)):
        d = runs[policy]
        s = one(d, "SELECT * FROM marts.ikm_sensitivitas WHERE level = 'opd' AND opd_kode = 'TRUSTK'")
        assert (s["nilai_ikm_semua"], s["nilai_ikm_tanpa_ditandai"], s["jumlah_ditandai"], s["kebijakan"]) == (
            semua, tanpa, 6, policy)
        opd = one(d, "SELECT nilai_ikm, jumlah_responden FROM marts.ikm_opd WHERE opd_kode = 'TRUSTK'")
        assert opd["nilai_ikm"] == published, policy
        assert opd["jumlah_responden"] == (10 if policy == "hitung" else 4)
        # marked rows are never deleted
        assert one(d, "SELECT count(*) AS n FROM marts.respons_ditandai WHERE opd_kode = 'TRUSTK'")["n"] == 6
    print(f"TRUSTK: semua {semua}, tanpa ditandai {tanpa}")
    s = one(runs["hitung"], "SELECT * FROM marts.ikm_sensitivitas WHERE level = 'opd' AND opd_kode = 'TRUSTS'")
    assert s["nilai_ikm_semua"] == half_up(nilai_ikm(S_S1)) and s["nilai_ikm_tanpa_ditandai"] == half_up(
        nilai_ikm([VARIED] * 20))


# --- the registry's kepercayaan: block ---------------------------------------------------------
def test_registry_block_reaches_dbt_vars_with_defaults_and_refuses_an_unknown_policy(tmp_path: Path):
    from pipelines.registry import RegistryError, load_trust

    reg = tmp_path / "sources.yml"
    reg.write_text("sources: []\n")
    assert load_trust(reg).dbt_vars() == {
        "kebijakan_ditandai": "hitung", "ditandai_ulang_menit": 30.0, "ditandai_beruntun_jumlah": 5,
        "ditandai_beruntun_menit": 10.0, "ditandai_seragam_toleransi": 0.10, "ditandai_seragam_min_responden": 30,
        "populasi_tambahan": []}
    reg.write_text("kepercayaan:\n  kebijakan_ditandai: kecualikan\n  beruntun_jumlah: 4\n  populasi:\n"
                   "    - {periode: 2025-S1, opd_kode: DISHUB, jenis_layanan: Uji KIR, populasi: 1300}\n")
    v = load_trust(reg).dbt_vars()
    assert (v["kebijakan_ditandai"], v["ditandai_beruntun_jumlah"]) == ("kecualikan", 4)
    assert v["populasi_tambahan"] == [{"periode": "2025-S1", "opd_kode": "DISHUB", "populasi": 1300,
                                       "jenis_layanan": "Uji KIR"}]
    # the key of the rule that compared an OPD with the rest of the city is refused, with what replaced it
    reg.write_text("kepercayaan:\n  seragam_selisih: 0.05\n")
    with pytest.raises(RegistryError, match=r"line 2, key 'kepercayaan.seragam_selisih': no longer a key: .*"
                                            r"seragam_toleransi"):
        load_trust(reg)
    reg.write_text("kepercayaan:\n  kebijakan_ditandai: hapus\n")
    with pytest.raises(RegistryError, match="hitung"):
        load_trust(reg)
    # the repository's registry parses, with the defaults
    from pipelines.settings import REPO_ROOT
    assert load_trust(REPO_ROOT / "data" / "sources.yml").kebijakan_ditandai == "hitung"


# --- a grade the marks decide ------------------------------------------------------------------
def test_when_the_marks_flip_the_grade_it_is_not_certain_and_the_reason_says_marks(runs):
    semua, tanpa = half_up(nilai_ikm(M_S1)), half_up(nilai_ikm([FLIP_REST] * 140))
    assert (semua, tanpa) == (Decimal("80.56"), Decimal("72.22"))  # B with the 60 marked, C without
    for policy, published in (("hitung", semua), ("kecualikan", tanpa)):
        d = runs[policy]
        assert one(d, "SELECT count(*) AS n FROM marts.respons_ditandai WHERE opd_kode = 'TRUSTM'")["n"] == 60
        s = one(d, "SELECT * FROM marts.ikm_sensitivitas WHERE level = 'opd' AND opd_kode = 'TRUSTM'")
        assert (s["nilai_ikm_semua"], s["mutu_semua"], s["nilai_ikm_tanpa_ditandai"], s["mutu_tanpa_ditandai"],
                s["mutu_berubah"]) == (semua, "B", tanpa, "C", True)
        k = one(d, "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTM'")
        assert k["nilai_ikm"] == published
        own = [sum(a) / 9 * 25 for a in (M_S1 if policy == "hitung" else [FLIP_REST] * 140)]
        if policy == "hitung":
            # the interval alone would call B certain: 80.56 +- 1.96 x 12.83 / sqrt(200) stays in 76.61-88.30
            se = statistics.stdev(own) / math.sqrt(len(own))
            assert 76.61 < float(published) - 1.96 * se and float(published) + 1.96 * se < 88.31
            assert k["mutu_pasti_sampel"] is True
        assert (k["mutu_pasti_ditandai"], k["mutu_pasti"], k["sebab_mutu_tidak_pasti"]) == (False, False, "ditandai"), policy
    d = runs["hitung"]
    # TRUSTK's 6 marks leave it B (77.50 with, 78.47 without): the sampling verdict alone decides
    k = one(d, "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTK'")
    assert (k["mutu_pasti_ditandai"], k["mutu_pasti_sampel"], k["sebab_mutu_tidak_pasti"]) == (True, False, "sampel")
    # TRUSTS: A with its 20 straight-liners (88.89), B without (77.78), and the interval crosses 88.31 too
    s = one(d, "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTS'")
    assert half_up(nilai_ikm(S_S1)) == s["nilai_ikm"] == Decimal("88.89")
    assert (s["mutu_pasti"], s["sebab_mutu_tidak_pasti"]) == (False, "sampel dan ditandai")
    # a unit without marks is certain by the marks
    a = one(d, "SELECT * FROM marts.ketidakpastian_ikm WHERE level = 'opd' AND opd_kode = 'TRUSTA'")
    assert (a["mutu_pasti_ditandai"], a["mutu_pasti"], a["sebab_mutu_tidak_pasti"]) == (True, False, "sampel")
    # every row: mutu_pasti is both verdicts, and the reason names the ones that failed
    for r in query(d, "SELECT * FROM marts.ketidakpastian_ikm"):
        both = None if r["mutu_pasti_sampel"] is None and r["mutu_pasti_ditandai"] else (
            r["mutu_pasti_ditandai"] and r["mutu_pasti_sampel"])
        assert r["mutu_pasti"] == both, r
        failed = [w for w, ok in (("sampel", r["mutu_pasti_sampel"]), ("ditandai", r["mutu_pasti_ditandai"]))
                  if ok is False]
        assert r["sebab_mutu_tidak_pasti"] == (" dan ".join(failed) or None), r


# --- a unit's marks are its own --------------------------------------------------------------------
def test_an_unrelated_opd_onboarding_changes_no_other_opds_marks_or_sensitivity(runs):
    """Issue 22: adding a kecamatan's 5 000 responses (answers 3 or 4, 0.4 % all-identical by chance)
    moved DISDUKCAPIL from 2 to 44 marks under the rule that compared an OPD with the rest of the
    city. Judged on its own data, no other OPD's marks or index moves."""
    before, after = runs["hitung"], runs["kecamatan_baru"]
    marks = ("SELECT response_id, kode_aturan, alasan FROM marts.respons_ditandai WHERE opd_kode <> 'KEC-BARU' "
             "ORDER BY response_id, kode_aturan")
    assert query(after, marks) == query(before, marks)
    assert {r["opd_kode"] for r in query(before, "SELECT DISTINCT opd_kode FROM marts.respons_ditandai "
                                                 "WHERE kode_aturan = 'seragam'")} == {"TRUSTS", "TRUSTM"}
    sensitivity = ("SELECT * FROM marts.ikm_sensitivitas WHERE level <> 'kota' AND opd_kode <> 'KEC-BARU' "
                   "ORDER BY periode, level, opd_kode, jenis_layanan")
    assert query(after, sensitivity) == query(before, sensitivity)
    # TRUSTD's 8 % straight-lining stays unmarked; the kecamatan is judged on its own too
    assert query(after, "SELECT count(*) AS n FROM marts.respons_ditandai WHERE opd_kode IN ('TRUSTD', 'KEC-BARU')") \
        == [{"n": 0}]
    assert one(after, "SELECT jumlah_responden AS n FROM marts.ikm_opd WHERE opd_kode = 'KEC-BARU'")["n"] == 5000
