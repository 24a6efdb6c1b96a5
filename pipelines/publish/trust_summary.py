"""Prints how far the published numbers can be trusted (the end of `make demo`): what the marked
(suspicious) submissions do to the index, the samples below the Krejcie & Morgan minimum, the
grades that are not certain (the 95 % interval crosses a boundary, or the marks change them)
and the changes larger than their uncertainty. Printed by pipelines/publish/summary.py after the IKM table."""

import duckdb


def render(con: duckdb.DuckDBPyConnection) -> str:
    out = ["\nCan the number be trusted?"]
    marked = con.execute(
        "SELECT periode, coalesce(opd_kode, 'KOTA'), jumlah_responden, jumlah_ditandai, nilai_ikm_semua, "
        "nilai_ikm_tanpa_ditandai, kebijakan FROM ikm_sensitivitas WHERE jumlah_ditandai > 0 AND level IN ('kota', 'opd') "
        "ORDER BY periode, level DESC, abs(selisih) DESC"
    ).fetchall()
    rules = con.execute("SELECT kode_aturan, count(*) FROM respons_ditandai GROUP BY 1 ORDER BY 1").fetchall()
    out.append("  marked submissions (kept; policy decides if they count): "
               + (", ".join(f"{r} {n}" for r, n in rules) or "none"))
    for periode, unit, n, k, semua, tanpa, policy in marked:
        out.append(f"  {periode} {unit:<12} {k:>4} of {n:>5} marked: IKM {semua:.2f} with them, "
                   f"{tanpa:.2f} without (published: {'with' if policy == 'hitung' else 'without'})")
    status = dict(con.execute("SELECT status, count(*) FROM kecukupan_sampel GROUP BY 1").fetchall())
    out.append(f"  sample vs Krejcie & Morgan (OPD and layanan units): {status.get('memadai', 0)} adequate, "
               f"{status.get('kurang', 0)} short, {status.get('populasi tidak diketahui', 0)} population unknown")
    for periode, unit, n, minimum in con.execute(
        "SELECT periode, opd_kode || coalesce(' / ' || jenis_layanan, ''), jumlah_responden, sampel_minimum "
        "FROM kecukupan_sampel WHERE status = 'kurang' ORDER BY periode, 2 LIMIT 6"
    ).fetchall():
        out.append(f"    short: {periode} {unit}: {n} responden < {minimum}")
    for periode, unit, nilai, lo, hi, mutu, why in con.execute(
        "SELECT periode, coalesce(opd_kode, 'KOTA'), nilai_ikm, ci_bawah, ci_atas, mutu, sebab_mutu_tidak_pasti "
        "FROM ketidakpastian_ikm WHERE level IN ('kota', 'opd') AND NOT mutu_pasti ORDER BY periode, level DESC, opd_kode"
    ).fetchall():
        out.append(f"  grade not certain ({why}): {periode} {unit} {nilai:.2f} ({mutu}), 95 % CI {lo:.2f}-{hi:.2f}")
    for periode, unit, before, now, se in con.execute(
        "SELECT periode, coalesce(opd_kode, 'KOTA'), nilai_ikm_sebelumnya, nilai_ikm, galat_baku_selisih "
        "FROM ikm_perubahan WHERE perubahan_nyata ORDER BY periode, level DESC, opd_kode"
    ).fetchall():
        out.append(f"  real change: {periode} {unit} {before:.2f} -> {now:.2f} (SE of the change {se:.2f})")
    return "\n".join(out)

