-- Every RTL row read is used, quarantined or a duplicate, exactly once per loaded file, and no
-- row is in the lake without a loaded file (rtl_rekonsiliasi; blocks publication).
select file_name, baris_dibaca, baris_dipakai, baris_karantina, baris_duplikat
from {{ ref('rtl_rekonsiliasi') }}
where not seimbang
