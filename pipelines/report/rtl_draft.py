"""The RTL draft per OPD, written with the exports after each publication: the RTL template
(pipelines/rtl_template.py) pre-filled with the OPD's three weakest unsur of the periode, their
Nilai and mutu, and what citizens said about each (the number of saran on the unsur and its
most frequent keywords, saran_tema_ringkasan), for the OPD to complete and land in
``rtl/<periode>/`` (README "The follow-up cycle").

Read from the published file only, like every export. A row the OPD leaves without a kegiatan
is quarantined with that message when the file lands, never silently dropped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.rtl_template import write_rtl_workbook

DRAFT_FOLDER = "rtl_draf"
PRIORITAS = 3  # the weakest unsur pre-filled
INFO_COLUMNS = {"prioritas": "Prioritas", "nilai_unsur": "Nilai unsur", "mutu": "Mutu",
                "saran_warga": "Saran warga tentang unsur ini"}


def _has(con: duckdb.DuckDBPyConnection, table: str, *cols: str) -> bool:
    found = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
                                       "AND table_name = ?", [table]).fetchall()}
    return bool(found) and all(c in found for c in cols)


def draft_rows(con: duckdb.DuckDBPyConnection, periode: str) -> dict[str, list[dict]]:
    """opd_kode -> the draft's rows: one per weak unsur (prioritas 1..PRIORITAS), OPD and unsur
    filled in, status 'rencana', and the information columns."""
    themes = _has(con, "saran_tema_ringkasan", "periode", "opd_kode", "unsur", "jumlah_saran", "kata_teratas")
    theme_join = ("LEFT JOIN saran_tema_ringkasan AS t ON t.periode = p.periode AND t.opd_kode = p.opd_kode "
                  "AND t.unsur = p.unsur" if themes else "")
    theme_cols = "t.jumlah_saran, t.kata_teratas" if themes else "NULL AS jumlah_saran, NULL AS kata_teratas"
    rows = con.execute(
        f"SELECT p.opd_kode, p.unsur, p.prioritas, p.nilai_unsur, p.mutu, {theme_cols} "
        f"FROM prioritas_unsur AS p {theme_join} WHERE p.periode = ? AND p.prioritas <= ? AND p.nilai_unsur IS NOT NULL "
        "ORDER BY p.opd_kode, p.prioritas", [periode, PRIORITAS]).fetchall()
    out: dict[str, list[dict]] = {}
    for opd, unsur, prioritas, nilai, mutu, jumlah, kata in rows:
        saran = (f"{int(jumlah)} saran" + (f"; {kata}" if kata else "")) if jumlah else "tidak ada saran tentang unsur ini"
        out.setdefault(opd, []).append({
            "opd_kode": opd, "unsur": unsur, "status": "rencana", "prioritas": int(prioritas),
            "nilai_unsur": float(nilai), "mutu": mutu, "saran_warga": saran if themes else "",
        })
    return out


def write_drafts(con: duckdb.DuckDBPyConnection, periode: str, out_dir: Path) -> list[Path]:
    """One draft per OPD of the periode, ``<out_dir>/RTL_<opd>_<periode>.xlsx`` and ``.csv``."""
    if not _has(con, "prioritas_unsur", "periode", "opd_kode", "prioritas"):
        return []
    written: list[Path] = []
    for opd, rows in draft_rows(con, periode).items():
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in opd)
        written += write_rtl_workbook(out_dir, f"RTL_{safe}_{periode}", rows, INFO_COLUMNS,
                                      title=f"Draf rencana tindak lanjut {opd} atas hasil SKM {periode}: lengkapi "
                                            "masalah, kegiatan, penanggung jawab dan target waktu, lalu simpan di "
                                            f"folder rtl/{periode}/")
    return written
