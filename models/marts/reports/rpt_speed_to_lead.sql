{#- Speed to lead per definition and qualification week: of the qualifications that week (PQLs
    or PQAs, requalifications included), how many sales could act on (a CRM contact or account
    exists), how many got a first sales activity within var pql_speed_to_lead_window_days days,
    how many within the SLA of var pql_speed_to_lead_sla_hours hours, and how long the first
    touch took (see fct_qualifications for when the clock starts). Shares are over the
    qualifications with a CRM record; null when there is none. -#}
{%- set numeric = dbt.type_numeric() -%}
with

qualifications as (
    select * from {{ ref('fct_qualifications') }}
),

counts as (
    select
        entity,
        definition_id,
        motion,
        qualified_week,
        count(*) as qualified_count,
        sum(case when has_crm_record then 1 else 0 end) as with_crm_record_count,
        sum(case when was_contacted_before then 1 else 0 end) as contacted_before_count,
        sum(case when is_contacted then 1 else 0 end) as contacted_count,
        sum(case when is_contacted_within_sla then 1 else 0 end) as contacted_within_sla_count,
        {{ percentile_cont('hours_to_first_activity', 0.5) }} as median_hours_to_first_activity,
        {{ percentile_cont('hours_to_first_activity', 0.9) }} as p90_hours_to_first_activity
    from qualifications
    group by
        entity,
        definition_id,
        motion,
        qualified_week
),

final as (
    select
        definition_id || '|' || {{ dbt.cast('qualified_week', dbt.type_string()) }} as speed_to_lead_id,
        entity,
        definition_id,
        motion,
        qualified_week,
        cast({{ var('pql_speed_to_lead_sla_hours') | int }} as {{ dbt.type_int() }}) as sla_hours,
        cast(qualified_count as {{ dbt.type_bigint() }}) as qualified_count,
        cast(with_crm_record_count as {{ dbt.type_bigint() }}) as with_crm_record_count,
        cast(contacted_before_count as {{ dbt.type_bigint() }}) as contacted_before_count,
        cast(contacted_count as {{ dbt.type_bigint() }}) as contacted_count,
        cast(contacted_within_sla_count as {{ dbt.type_bigint() }}) as contacted_within_sla_count,
        cast({{ safe_divide('with_crm_record_count', 'qualified_count') }} as {{ numeric }})
            as with_crm_record_share,
        cast({{ safe_divide('contacted_count', 'with_crm_record_count') }} as {{ numeric }})
            as contacted_share,
        cast({{ safe_divide('contacted_within_sla_count', 'with_crm_record_count') }} as {{ numeric }})
            as within_sla_share,
        cast(median_hours_to_first_activity as {{ numeric }}) as median_hours_to_first_activity,
        cast(p90_hours_to_first_activity as {{ numeric }}) as p90_hours_to_first_activity
    from counts
)

select * from final
