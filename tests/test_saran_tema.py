"""The saran theme tagging (macros/saran_tema.sql + seed saran_leksikon) measured on a hand-labelled
sample: tests/data/saran_berlabel.csv holds realistic saran (informal spelling, several unsur in
one text, negations, praise, texts about nothing in particular), each labelled BY MEANING with the
unsur it speaks of ('umum' for none), not by what the lexicon happens to match.

The SQL is the dbt macro itself, compiled by `dbt compile --inline` (no warehouse needed) and run
on DuckDB over the sample and the lexicon seed file. Precision and recall per unsur are printed
(pytest -s) and checked: precision >= 0.8 on every unsur with at least MIN_EXAMPLES labelled
examples, recall >= MIN_RECALL. The mart-level cases (a text with no keyword gets 'umum', the
summary's counts against a hand count) are the dbt unit tests in saran_tema.yml and
saran_tema_ringkasan.yml (run by tests/test_dbt_unit_tests.py)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import DBT_PROJECT_DIR
from tests.lake_fixtures import run_dbt

SAMPLE = Path(__file__).parent / "data" / "saran_berlabel.csv"
LEKSIKON = DBT_PROJECT_DIR / "seeds" / "saran_leksikon.csv"
UNSUR = [r["unsur"] for r in csv.DictReader((DBT_PROJECT_DIR / "seeds" / "unsur.csv").open(encoding="utf-8"))]
MIN_EXAMPLES = 15
MIN_PRECISION = 0.8
MIN_RECALL = 0.6
INLINE = ("with texts as (select id, saran from sampel), "
          "{{ saran_tema_ctes('texts', 'id', 'saran', leksikon='leksikon') }} "
          "select id, unsur, kata_kunci from saran_tema_cocok")


@pytest.fixture(scope="module")
def tagging_sql(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The macro's SQL as dbt compiles it for DuckDB, reading the relations `sampel` (id, saran)
    and `leksikon` (the seed's columns)."""
    data_dir = tmp_path_factory.mktemp("saran_tema")
    (data_dir / "warehouse").mkdir()
    proc = run_dbt(data_dir, "--quiet", "--inline", INLINE, command="compile")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout[proc.stdout.index("with texts as"):]


def tag(sql: str, texts: list[str]) -> list[tuple[int, str, str]]:
    """(index of the text, unsur, kata_kunci) for every keyword the macro finds in `texts`."""
    con = duckdb.connect()
    try:
        con.execute("create table leksikon as select * from read_csv(?, header = true, all_varchar = true)",
                    [str(LEKSIKON)])
        con.execute("create table sampel (id integer, saran varchar)")
        con.executemany("insert into sampel values (?, ?)", list(enumerate(texts)))
        return con.execute(sql).fetchall()
    finally:
        con.close()


def labelled() -> list[tuple[str, set[str]]]:
    with SAMPLE.open(encoding="utf-8") as f:
        return [(r["saran"], set(r["unsur"].split(";"))) for r in csv.DictReader(f)]


def test_the_sample_is_large_and_labelled_with_known_keys():
    sample = labelled()
    assert len(sample) >= 200
    assert {u for _, labels in sample for u in labels} == {*UNSUR, "umum"}
    assert all(labels == {"umum"} or "umum" not in labels for _, labels in sample)
    assert len({text for text, _ in sample}) == len(sample)


def test_precision_and_recall_per_unsur_on_the_labelled_sample(tagging_sql):
    sample = labelled()
    found: dict[int, set[str]] = {i: set() for i in range(len(sample))}
    for i, unsur, _ in tag(tagging_sql, [text for text, _ in sample]):
        found[i].add(unsur)
    predicted = {i: (units or {"umum"}) for i, units in found.items()}
    tp, fp, fn = Counter(), Counter(), Counter()
    for i, (_, truth) in enumerate(sample):
        for u in predicted[i] | truth:
            if u in predicted[i] and u in truth:
                tp[u] += 1
            elif u in predicted[i]:
                fp[u] += 1
            else:
                fn[u] += 1
    lines = [f"{'unsur':12} {'examples':>8} {'precision':>9} {'recall':>6}"]
    weak = []
    for u in [*UNSUR, "umum"]:
        examples = tp[u] + fn[u]
        precision = tp[u] / (tp[u] + fp[u]) if tp[u] + fp[u] else float("nan")
        recall = tp[u] / examples if examples else float("nan")
        lines.append(f"{u:12} {examples:8d} {precision:9.2f} {recall:6.2f}")
        if u != "umum" and examples >= MIN_EXAMPLES and not (precision >= MIN_PRECISION and recall >= MIN_RECALL):
            weak.append((u, round(precision, 2), round(recall, 2)))
    micro_p = sum(tp[u] for u in UNSUR) / max(1, sum(tp[u] + fp[u] for u in UNSUR))
    micro_r = sum(tp[u] for u in UNSUR) / max(1, sum(tp[u] + fn[u] for u in UNSUR))
    lines.append(f"{'all unsur':12} {sum(tp[u] + fn[u] for u in UNSUR):8d} {micro_p:9.2f} {micro_r:6.2f}")
    print("\n" + "\n".join(lines))
    assert weak == [], f"below precision {MIN_PRECISION} / recall {MIN_RECALL}: {weak}\n" + "\n".join(lines)


def test_antrean_antrian_mengantre_count_as_one_keyword(tagging_sql):
    texts = ["Antrean panjang", "antrian lama", "Mengantre dari pagi", "antreannya tidak jalan",
             "ngantri 2 jam", "ANTRI!!"]
    got = tag(tagging_sql, texts)
    assert {(i, u) for i, u, _ in got} >= {(i, "waktu") for i in range(len(texts))}
    assert {k for _, u, k in got if u == "waktu" and k.startswith("antr")} == {"antre"}


def test_affixes_multi_word_keywords_and_a_text_without_keyword(tagging_sql):
    texts = ["Ruang tunggunya sempit", "menunggu lama", "keramahan petugas", "persyaratannya banyak",
             "pelayanan memuaskan", "mesin antrean rusak"]
    got: dict[int, set[tuple[str, str]]] = {i: set() for i in range(len(texts))}
    for i, u, k in tag(tagging_sql, texts):
        got[i].add((u, k))
    assert got[0] == {("sarana", "ruang tunggu"), ("sarana", "sempit")}  # 'tunggu' within it is not waktu
    assert got[1] == {("waktu", "tunggu"), ("waktu", "lama")}  # men-unggu -> tunggu
    assert got[2] == {("perilaku", "ramah")}
    assert got[3] == {("persyaratan", "syarat")}
    assert got[4] == set()  # no keyword: the mart tags it 'umum'
    assert got[5] == {("sarana", "mesin antre")}
