{#- Funnel conversion by signup cohort (week and month) and segment: of the entities that signed
    up in the cohort (new-business leads: internal users and users who joined an already paying
    account left out), how many reached each step within var pql_conversion_window_days days of
    signup, and the rate of each step. Every cohort between the first signup and the data's
    as-of date gets a row for every segment value, with zero counts and null rates when nobody
    signed up. Segments: var pql_funnel_segments (signup_source, plan, persona, company_size),
    plus `all`. -#}
{%- set numeric = dbt.type_numeric() -%}
{%- set window_days = var('pql_conversion_window_days') | int -%}
{%- set segment_columns = {
    'signup_source': 'signup_source',
    'plan': 'signup_plan',
    'persona': 'persona',
    'company_size': 'company_size_band',
} -%}
{%- set segments = var('pql_funnel_segments') -%}
{%- for segment_name in segments -%}
    {%- if segment_name not in segment_columns -%}
        {{ exceptions.raise_compiler_error(
            "var pql_funnel_segments: unknown segment '" ~ segment_name ~ "'; expected some of "
            ~ segment_columns.keys() | join(', ')
        ) }}
    {%- endif -%}
{%- endfor -%}
with

user_funnel as (
    select * from {{ ref('fct_user_funnel') }}
),

account_funnel as (
    select * from {{ ref('fct_account_funnel') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

leads as (
    select
        'user' as entity,
        definition_id,
        signup_week,
        signup_month,
        signup_source,
        persona,
        signup_plan,
        company_size_band,
        signed_up_at,
        activated_at,
        first_qualified_date,
        mql_at,
        first_opportunity_at,
        won_at,
        converted_at
    from user_funnel
    where not is_internal and is_eligible_at_signup

    union all

    select
        'account' as entity,
        definition_id,
        signup_week,
        signup_month,
        signup_source,
        persona,
        signup_plan,
        company_size_band,
        signed_up_at,
        activated_at,
        first_qualified_date,
        mql_at,
        first_opportunity_at,
        won_at,
        converted_at
    from account_funnel
    where is_eligible_at_signup
),

steps as (
    select
        leads.*,
        {{ dbt.dateadd('day', window_days, 'leads.signed_up_at') }} as window_ends_at
    from leads
),

reached as (
    select
        entity,
        definition_id,
        signup_week,
        signup_month,
        signup_source,
        persona,
        signup_plan,
        company_size_band,
        coalesce(activated_at <= window_ends_at, false) as is_activated,
        coalesce({{ dbt.cast('first_qualified_date', dbt.type_timestamp()) }} <= window_ends_at, false)
            as is_qualified,
        coalesce(mql_at <= window_ends_at, false) as is_mql,
        coalesce(first_opportunity_at <= window_ends_at, false) as has_opportunity,
        coalesce(won_at <= window_ends_at, false) as is_won,
        coalesce(converted_at <= window_ends_at, false) as is_converted,
        coalesce(
            converted_at <= window_ends_at
            and converted_at >= {{ dbt.cast('first_qualified_date', dbt.type_timestamp()) }},
            false
        ) as is_converted_after_qualifying
    from steps
),

cohorted as (
    select
        reached.*,
        'week' as cohort_grain,
        reached.signup_week as cohort_start
    from reached

    union all

    select
        reached.*,
        'month' as cohort_grain,
        reached.signup_month as cohort_start
    from reached
),

segmented as (
    select
        cohorted.*,
        'all' as segment_name,
        'all' as segment_value
    from cohorted
    {%- for segment_name in segments %}

        union all

        select
            cohorted.*,
            '{{ segment_name }}' as segment_name,
            cohorted.{{ segment_columns[segment_name] }} as segment_value
        from cohorted
    {%- endfor %}
),

counts as (
    select
        entity,
        definition_id,
        cohort_grain,
        cohort_start,
        segment_name,
        segment_value,
        count(*) as entity_count,
        sum(case when is_activated then 1 else 0 end) as activated_count,
        sum(case when is_qualified then 1 else 0 end) as qualified_count,
        sum(case when is_mql then 1 else 0 end) as mql_count,
        sum(case when has_opportunity then 1 else 0 end) as opportunity_count,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_converted then 1 else 0 end) as converted_count,
        sum(case when is_converted_after_qualifying then 1 else 0 end) as qualified_converted_count
    from segmented
    group by
        entity,
        definition_id,
        cohort_grain,
        cohort_start,
        segment_name,
        segment_value
),

cohorts as (
    {#- every week and month with events in the stream, from the first signup cohort to the as-of
        date, so a cohort nobody signed up in still gets its row -#}
    {{ stream_cohorts() }}
),

first_cohorts as (
    select
        min(signup_week) as first_week,
        min(signup_month) as first_month
    from leads
),

cohort_bounds as (
    select
        cohorts.cohort_grain,
        cohorts.cohort_start,
        case
            when cohorts.cohort_grain = 'week'
                then {{ dbt.dateadd('day', 6, 'cohorts.cohort_start') }}
            else {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'cohorts.cohort_start')) }}
        end as cohort_end
    from cohorts
    cross join data_as_of
    cross join first_cohorts
    where
        cohorts.cohort_start <= data_as_of.data_as_of_date
        and cohorts.cohort_start >= case
            when cohorts.cohort_grain = 'week' then first_cohorts.first_week
            else first_cohorts.first_month
        end
),

segment_values as (
    select distinct
        entity,
        definition_id,
        segment_name,
        segment_value
    from counts
),

spine as (
    select
        segment_values.entity,
        segment_values.definition_id,
        cohort_bounds.cohort_grain,
        cohort_bounds.cohort_start,
        cohort_bounds.cohort_end,
        segment_values.segment_name,
        segment_values.segment_value
    from segment_values
    cross join cohort_bounds
),

filled as (
    select
        spine.*,
        coalesce(counts.entity_count, 0) as entity_count,
        coalesce(counts.activated_count, 0) as activated_count,
        coalesce(counts.qualified_count, 0) as qualified_count,
        coalesce(counts.mql_count, 0) as mql_count,
        coalesce(counts.opportunity_count, 0) as opportunity_count,
        coalesce(counts.won_count, 0) as won_count,
        coalesce(counts.converted_count, 0) as converted_count,
        coalesce(counts.qualified_converted_count, 0) as qualified_converted_count
    from spine
    left join counts
        on
            spine.entity = counts.entity
            and spine.definition_id = counts.definition_id
            and spine.cohort_grain = counts.cohort_grain
            and spine.cohort_start = counts.cohort_start
            and spine.segment_name = counts.segment_name
            and spine.segment_value = counts.segment_value
),

final as (
    select
        filled.entity || '|' || filled.definition_id || '|' || filled.cohort_grain || '|'
        || {{ dbt.cast('filled.cohort_start', dbt.type_string()) }} || '|' || filled.segment_name || '|'
        || filled.segment_value as funnel_conversion_id,
        filled.entity,
        filled.definition_id,
        filled.cohort_grain,
        filled.cohort_start,
        {{ dbt.cast('filled.cohort_end', 'date') }} as cohort_end,
        filled.segment_name,
        filled.segment_value,
        cast({{ window_days }} as {{ dbt.type_int() }}) as conversion_window_days,
        {{ dbt.dateadd('day', window_days, 'filled.cohort_end') }} <= data_as_of.data_as_of_date
            as is_cohort_complete,
        cast(filled.entity_count as {{ dbt.type_bigint() }}) as entity_count,
        cast(filled.activated_count as {{ dbt.type_bigint() }}) as activated_count,
        cast(filled.qualified_count as {{ dbt.type_bigint() }}) as qualified_count,
        cast(filled.mql_count as {{ dbt.type_bigint() }}) as mql_count,
        cast(filled.opportunity_count as {{ dbt.type_bigint() }}) as opportunity_count,
        cast(filled.won_count as {{ dbt.type_bigint() }}) as won_count,
        cast(filled.converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(filled.qualified_converted_count as {{ dbt.type_bigint() }}) as qualified_converted_count,
        cast({{ safe_divide('filled.activated_count', 'filled.entity_count') }} as {{ numeric }})
            as activation_rate,
        cast({{ safe_divide('filled.qualified_count', 'filled.entity_count') }} as {{ numeric }})
            as qualification_rate,
        cast({{ safe_divide('filled.mql_count', 'filled.entity_count') }} as {{ numeric }})
            as mql_rate,
        cast({{ safe_divide('filled.opportunity_count', 'filled.entity_count') }} as {{ numeric }})
            as opportunity_rate,
        cast({{ safe_divide('filled.won_count', 'filled.entity_count') }} as {{ numeric }})
            as won_rate,
        cast({{ safe_divide('filled.converted_count', 'filled.entity_count') }} as {{ numeric }})
            as conversion_rate,
        cast(
            {{ safe_divide('filled.qualified_converted_count', 'filled.qualified_count') }}
            as {{ numeric }}
        ) as qualified_to_converted_rate
    from filled
    cross join data_as_of
)

select * from final
