{{ config(severity='warn') }}
-- Warns with one row per anonymous id seen with more than var pql_max_users_per_anonymous_id
-- distinct users (int_anonymous_ids_shared). Such an id is not stitched: its anonymous-only
-- events stay unattributed. Fix: find the SDK or tracking plan that sends one constant id for
-- everyone, or add the value to seeds/placeholder_identity_values.csv. An id that was stitched
-- on an earlier run and became shared later keeps its old attribution in the incremental event
-- stream until a full refresh.
select
    anonymous_id,
    claiming_user_count,
    max_users_per_anonymous_id,
    last_claim_received_at
from {{ ref('int_anonymous_ids_shared') }}
