-- Every response's nine answers are each valid, missing or invalid, exactly once.
select response_id, jumlah_jawaban, jumlah_tidak_menjawab, jumlah_tidak_valid
from {{ ref('int_answer_summary') }}
where {{ periode_filter('periode_declared') }}
  and jumlah_jawaban + jumlah_tidak_menjawab + jumlah_tidak_valid <> 9
