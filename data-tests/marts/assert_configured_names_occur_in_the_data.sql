{{ config(severity='warn', store_failures=true) }}
-- Config health: every configured event name, page path prefix and page host occurs in the
-- clean event stream, every signal can match an event and every definition has a signal able to
-- fire. Warns (never fails the build) with one row per problem, naming the definition, signal
-- or milestone and the name; the rows are stored (store_failures) and in rpt_config_health.
select
    health_check_id,
    check_type,
    definition_id,
    signal_id,
    milestone_id,
    configured_value,
    message
from {{ ref('rpt_config_health') }}
where status = 'warn'
