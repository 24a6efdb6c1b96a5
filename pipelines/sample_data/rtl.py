"""Sample RTL files (the OPD's follow-up plans) for the demo: the plans made after 2025-S1 on the
unsur the sample profiles make weak, so that the 2025-S2 Laporan shows what became of them.

Realistic on purpose: one OPD plans in CSV, the others in the xlsx template; one plan has a row
the pipeline must quarantine (a target waktu written as words) and one repeats an action; DISHUB
has no plan, so the city Laporan lists it among the OPD without an RTL for their weakest unsur.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.rtl_template import write_rtl_workbook

PERIODE = "2025-S1"

# opd_kode -> rows of the RTL template (pipelines/ingest/rtl.py RTL_HEADERS); penanggung jawab is
# a position, never a person's name.
PLANS: dict[str, list[dict[str, str]]] = {
    "DPMPTSP": [
        {"unsur": "waktu", "masalah": "Antrean panjang pada pagi hari (pukul 9 sampai 12), izin selesai melewati SOP",
         "kegiatan": "Menambah satu loket dan membuka layanan janji temu daring",
         "penanggung_jawab": "Kepala Bidang Pelayanan Perizinan", "target_waktu": "2025-09-30",
         "status": "selesai", "keterangan": "Loket 4 beroperasi sejak 1 September 2025"},
        {"unsur": "pengaduan", "masalah": "Pengaduan lewat WhatsApp tidak dibalas",
         "kegiatan": "Menunjuk petugas piket pengaduan dan menampilkan status tindak lanjut di SP4N-LAPOR",
         "penanggung_jawab": "Kepala Seksi Pengaduan", "target_waktu": "31/10/2025", "status": "berjalan",
         "keterangan": ""},
    ],
    "DISDUKCAPIL": [
        {"unsur": "Waktu Penyelesaian", "masalah": "Cetak KTP-el menunggu blanko",
         "kegiatan": "Pengajuan tambahan blanko dan layanan antar dokumen", "penanggung_jawab": "Sekretaris Dinas",
         "target_waktu": "2025-08-31", "status": "selesai", "keterangan": "Blanko tambahan diterima Agustus 2025"},
        {"unsur": "U9", "masalah": "Kotak saran tidak pernah dibuka",
         "kegiatan": "Rekap saran mingguan dan dipajang di ruang tunggu", "penanggung_jawab": "Kepala Subbagian Umum",
         "target_waktu": "2025-12-31", "status": "rencana", "keterangan": ""},
    ],
    "RSUD": [
        {"unsur": "waktu", "masalah": "Antrean poliklinik lebih dari dua jam",
         "kegiatan": "Pendaftaran daring H-1 dan antrean per poli", "penanggung_jawab": "Kepala Instalasi Rawat Jalan",
         "target_waktu": "2025-10-31", "status": "selesai", "keterangan": "Aplikasi antrean aktif Oktober 2025"},
        {"unsur": "pengaduan", "masalah": "Keluhan pasien tidak tercatat",
         "kegiatan": "Meja pengaduan di lobi dengan buku register", "penanggung_jawab": "Kepala Bagian Humas",
         "target_waktu": "akhir tahun", "status": "rencana", "keterangan": ""},
        {"unsur": "sarana", "masalah": "Ruang tunggu rawat jalan panas",
         "kegiatan": "Perbaikan AC ruang tunggu", "penanggung_jawab": "Kepala Instalasi Pemeliharaan Sarana",
         "target_waktu": "2025-09-15", "status": "selesai", "keterangan": ""},
        {"unsur": "sarana", "masalah": "Ruang tunggu rawat jalan panas",
         "kegiatan": "Perbaikan AC ruang tunggu", "penanggung_jawab": "Kepala Instalasi Pemeliharaan Sarana",
         "target_waktu": "2025-09-15", "status": "selesai", "keterangan": "baris ganda"},
    ],
    "DINKES": [
        {"unsur": "pengaduan", "masalah": "Warga tidak tahu ke mana mengadu",
         "kegiatan": "Papan informasi alur pengaduan dan nomor layanan di setiap puskesmas",
         "penanggung_jawab": "Kepala Puskesmas", "target_waktu": "2025-11-30", "status": "berjalan",
         "keterangan": ""},
    ],
}
CSV_OPD = ("DINKES",)  # this OPD sends its plan as CSV (the others: the xlsx template)


def write_rtl_samples(data_dir: Path, opd_codes: set[str], landing: str = "rtl") -> list[Path]:
    """The sample plans of the OPD in `opd_codes` under ``<data_dir>/<landing>/2025-S1/``;
    returns the files written (one per OPD, xlsx or CSV)."""
    folder = Path(data_dir) / landing / PERIODE
    written: list[Path] = []
    for opd, rows in PLANS.items():
        if opd not in opd_codes:
            continue
        stem = f"RTL_{opd}_{PERIODE}"
        files = write_rtl_workbook(folder, stem, [{"opd_kode": opd, **r} for r in rows],
                                   title=f"Rencana tindak lanjut {opd} hasil SKM {PERIODE}")
        keep = [f for f in files if f.suffix == (".csv" if opd in CSV_OPD else ".xlsx")]
        for f in files:
            if f not in keep:
                f.unlink()
        written += keep
    return written
