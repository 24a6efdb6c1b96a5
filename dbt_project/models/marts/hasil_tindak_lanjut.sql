-- Published: did the action work? For each action of periode P (rencana_tindak_lanjut), the
-- unsur's NRR and Nilai unsur of the OPD in P and in the next periode, the change, and whether it
-- is real by ikm_perubahan's method: galat_baku_selisih = sqrt(se_P^2 + se_next^2) from the
-- standard errors of the two Nilai unsur (int_galat_unsur), perubahan_nyata when |selisih| >
-- 1.96 x galat_baku_selisih. hasil says it in words: 'membaik' / 'memburuk' (a real change),
-- 'tidak berubah nyata' (within the noise), 'belum ada data periode berikutnya' (the next
-- periode is not published yet). A full table: every run sees every semester.
with actions as (

    select * from {{ ref('rencana_tindak_lanjut') }}

),

nilai as (

    select u.periode, u.opd_kode, u.unsur, u.nrr, u.nilai_unsur, u.mutu, g.galat_baku
    from {{ ref('ikm_unsur') }} as u
    left join {{ ref('int_galat_unsur') }} as g
        on u.periode = g.periode
       and u.opd_kode = g.opd_kode
       and u.unsur = g.unsur

),

joined as (

    select
        a.periode,
        {{ periode_berikutnya('a.periode') }} as periode_berikutnya,
        a.opd_kode,
        a.opd_nama,
        a.unsur,
        a.urutan,
        a.unsur_nama,
        a.kegiatan,
        a.penanggung_jawab,
        a.target_waktu,
        a.status,
        a.file_name,
        a.row_number,
        n0.nrr,
        n0.nilai_unsur,
        n0.mutu,
        n0.galat_baku,
        n1.nrr as nrr_berikutnya,
        n1.nilai_unsur as nilai_unsur_berikutnya,
        n1.mutu as mutu_berikutnya,
        n1.galat_baku as galat_baku_berikutnya
    from actions as a
    left join nilai as n0
        on a.periode = n0.periode
       and a.opd_kode = n0.opd_kode
       and a.unsur = n0.unsur
    left join nilai as n1
        on {{ periode_berikutnya('a.periode') }} = n1.periode
       and a.opd_kode = n1.opd_kode
       and a.unsur = n1.unsur

),

judged as (

    select
        j.*,
        j.nilai_unsur_berikutnya - j.nilai_unsur as selisih,
        sqrt(j.galat_baku * j.galat_baku + j.galat_baku_berikutnya * j.galat_baku_berikutnya) as galat_baku_selisih_exact
    from joined as j

)

select
    periode,
    periode_berikutnya,
    opd_kode,
    opd_nama,
    unsur,
    urutan,
    unsur_nama,
    kegiatan,
    penanggung_jawab,
    target_waktu,
    status,
    nrr,
    nilai_unsur,
    mutu,
    {{ round_half_up('galat_baku', 4) }} as galat_baku,
    nrr_berikutnya,
    nilai_unsur_berikutnya,
    mutu_berikutnya,
    {{ round_half_up('galat_baku_berikutnya', 4) }} as galat_baku_berikutnya,
    selisih,
    {{ round_half_up('galat_baku_selisih_exact', 4) }} as galat_baku_selisih,
    case
        when selisih is null or galat_baku_selisih_exact is null then null
        else abs(selisih) > 1.96 * galat_baku_selisih_exact
    end as perubahan_nyata,
    case
        when nilai_unsur_berikutnya is null then 'belum ada data periode berikutnya'
        when galat_baku_selisih_exact is null then 'tidak dapat dinilai'
        when abs(selisih) <= 1.96 * galat_baku_selisih_exact then 'tidak berubah nyata'
        when selisih > 0 then 'membaik'
        else 'memburuk'
    end as hasil,
    file_name,
    row_number
from judged
