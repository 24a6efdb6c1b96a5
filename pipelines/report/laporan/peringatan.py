"""The warnings of the publishing run, as the Laporan says them: in Indonesian, numbers with a
decimal comma, for the page's periode and unit.

A gate's own description (``quality_gates.description``) is written for the data team, in English
(the naming rule: gates are machinery), and its numbers are dot decimals. The Laporan is read by the
OPD and the public, so it never prints that text: for each warning gate it writes a sentence from
the published marts themselves (the description is used only to know which units the gate named),
and for a gate it has no sentence for, it says in Indonesian that there is a warning and where the
data team finds it. The sentences read the published file only, like the rest of the Laporan."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from pipelines.report.laporan.fmt import angka, selisih

if TYPE_CHECKING:
    from pipelines.report.laporan.build import Published

KOTA = "kota"

# Gates the Laporan has no sentence of its own for: what the warning means, in one line.
GENERIC: dict[str, str] = {
    "warn_layanan_without_index": "ada jenis layanan tanpa Nilai IKM karena salah satu unsurnya tidak memiliki "
                                  "jawaban yang sah (semua responden mengosongkannya atau menjawab \"tidak tahu\")",
    "warn_lake_rows_outside_loaded_files": "ada baris data dari berkas yang sudah diganti atau dihapus; baris itu "
                                           "tidak dipakai",
    "relationships": "ada kode yang tidak dikenal di tabel lain",
    "unique_combination_of_columns": "ada catatan berkas yang tercatat lebih dari sekali",
}


def _named(description: str | None, code: str) -> bool:
    """The gate's description names the unit (an OPD code, or 'kota' for the city)."""
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", description or "", re.IGNORECASE) is not None


def _index_change(pub: Published, gate: dict, periode: str, opd_kode: str | None) -> list[str]:
    if not pub.has("ikm_opd", "periode", "opd_kode", "nilai_ikm"):
        return []
    rows = pub.rows(
        "WITH o AS (SELECT periode, opd_kode, opd_nama, nilai_ikm, "
        "lag(periode) OVER (PARTITION BY opd_kode ORDER BY periode) AS periode_sebelumnya, "
        "lag(nilai_ikm) OVER (PARTITION BY opd_kode ORDER BY periode) AS sebelumnya FROM ikm_opd) "
        "SELECT * FROM o WHERE periode = ? AND sebelumnya IS NOT NULL ORDER BY opd_kode", [periode])
    return [f"Nilai IKM {r['opd_nama'] or r['opd_kode']} berubah {selisih(r['nilai_ikm'] - r['sebelumnya'])} poin, "
            f"dari {angka(r['sebelumnya'])} ({r['periode_sebelumnya']}) menjadi {angka(r['nilai_ikm'])} ({periode}), "
            "melebihi batas perubahan yang ditetapkan; perubahan sebesar ini perlu diperiksa sebelum disimpulkan."
            for r in rows if _named(gate["description"], r["opd_kode"]) and opd_kode in (None, r["opd_kode"])]


def _sample(pub: Published, gate: dict, periode: str, opd_kode: str | None) -> list[str]:
    if not pub.has("kecukupan_sampel", "periode", "status", "opd_kode", "jenis_layanan", "jumlah_responden",
                   "sampel_minimum"):
        return []
    where, params = ("periode = ?", [periode]) if opd_kode is None else ("periode = ? AND opd_kode = ?",
                                                                         [periode, opd_kode])
    short = pub.rows(f"SELECT opd_kode, jenis_layanan, jumlah_responden, sampel_minimum FROM kecukupan_sampel "
                     f"WHERE {where} AND status = 'kurang' ORDER BY opd_kode, jenis_layanan NULLS FIRST", params)
    unknown = pub.one(f"SELECT count(*) AS n FROM kecukupan_sampel WHERE {where} "
                      "AND status = 'populasi tidak diketahui'", params)["n"]
    out = []
    if short:
        examples = "; ".join(f"{r['opd_kode']}{' ' + r['jenis_layanan'] if r['jenis_layanan'] else ''}: "
                             f"{angka(r['jumlah_responden'], 0)} dari minimal {angka(r['sampel_minimum'], 0)}"
                             for r in short[:3])
        out.append(f"{angka(len(short), 0)} unit (OPD atau jenis layanan) memiliki responden kurang dari sampel "
                   f"minimum Krejcie & Morgan ({examples}{'; dan lainnya' if len(short) > 3 else ''}); nilainya "
                   "tetap diterbitkan, dengan selang kepercayaan yang lebih lebar.")
    if unknown:
        out.append(f"{angka(unknown, 0)} unit belum diketahui jumlah populasinya, sehingga kecukupan sampelnya "
                   "belum dapat dinilai.")
    return out


def _marked(pub: Published, gate: dict, periode: str, opd_kode: str | None) -> list[str]:
    if not pub.has("ikm_sensitivitas", "periode", "level", "opd_kode", "jumlah_ditandai", "nilai_ikm_semua",
                   "nilai_ikm_tanpa_ditandai", "kebijakan", "mutu_semua", "mutu_tanpa_ditandai"):
        return []
    rows = pub.rows("SELECT * FROM ikm_sensitivitas WHERE periode = ? AND level IN ('kota', 'opd') "
                    "AND jumlah_ditandai > 0 ORDER BY level DESC, opd_kode", [periode])
    out = []
    for r in rows:
        code = r["opd_kode"] or KOTA
        if not _named(gate["description"], code) or (opd_kode is not None and r["opd_kode"] != opd_kode):
            continue
        unit = "Kota" if r["opd_kode"] is None else r["opd_kode"]
        dipakai = "dengan" if r["kebijakan"] == "hitung" else "tanpa"
        out.append(f"{unit}: {angka(r['jumlah_ditandai'], 0)} respons ditandai mencurigakan. Nilai IKM "
                   f"{angka(r['nilai_ikm_semua'])} (mutu {r['mutu_semua']}) bila ikut dihitung, "
                   f"{angka(r['nilai_ikm_tanpa_ditandai'])} (mutu {r['mutu_tanpa_ditandai']}) tanpa respons itu; "
                   f"yang diterbitkan adalah nilai {dipakai} respons yang ditandai (kebijakan {r['kebijakan']}).")
    return out


SENTENCES: dict[str, Callable[[Published, dict, str, str | None], list[str]]] = {
    "index_change_within_bounds": _index_change,
    "sample_below_krejcie_morgan": _sample,
    "marked_submissions_effect": _marked,
}


def warnings_for_page(pub: Published, failed: list[dict], periode: str,
                      opd_kode: str | None) -> tuple[list[dict], int]:
    """The failed warning gates of the publishing run that concern this page's periode and unit,
    each with its Indonesian text (``teks``), and how many failed gates concern other pages."""
    shown: list[dict] = []
    other = 0
    for gate in failed:
        write = SENTENCES.get(gate["gate"])
        if write is not None:
            lines = write(pub, gate, periode, opd_kode)
        elif opd_kode is None or _named(gate["description"], opd_kode):
            meaning = GENERIC.get(gate["gate"], "hasil pemeriksaan memerlukan perhatian tim data")
            lines = [f"Pemeriksaan mutu memberi peringatan: {meaning}. Rinciannya ada di tabel quality_gates "
                     "berkas terbitan."]
        else:
            lines = []
        shown += [{"gate": gate["gate"], "asset": gate["asset"], "teks": text} for text in lines]
        other += not lines
    return shown, other
