{{ config(severity='warn') }}
-- Categorical values are open (docs/bad_input.md, "Data"): an activity type, opportunity type
-- or subscription status outside the known lists (vars pql_known_*) is read as 'other' and
-- listed here with its count, as a warning, never an error. Add a value to the var to make it
-- known.
with

unknown_values as (
    select
        'crm_activities' as raw_table,
        'type' as raw_column,
        activity_type_as_sent as value_as_sent,
        count(*) as row_count
    from {{ ref('stg_crm__activities') }}
    where activity_type = 'other' and activity_type_as_sent != 'other'
    group by activity_type_as_sent
    union all
    select
        'crm_opportunities' as raw_table,
        'type' as raw_column,
        opportunity_type_as_sent as value_as_sent,
        count(*) as row_count
    from {{ ref('stg_crm__opportunities') }}
    where opportunity_type = 'other' and opportunity_type_as_sent != 'other'
    group by opportunity_type_as_sent
    union all
    select
        'subscriptions' as raw_table,
        'status' as raw_column,
        subscription_status_as_sent as value_as_sent,
        count(*) as row_count
    from {{ ref('stg_billing__subscriptions') }}
    where subscription_status = 'other' and subscription_status_as_sent != 'other'
    group by subscription_status_as_sent
),

final as (
    select * from unknown_values
)

select * from final
