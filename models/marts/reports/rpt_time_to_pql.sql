{#- How long the funnel takes, per signup cohort (week and month): the distribution (p25,
    median, p75, p90, mean) in days of time to activation, time to PQL/PQA, and time from the
    first PQL/PQA to an opportunity, to a won deal and to conversion (won or self-serve paid),
    and from signup to conversion. Only durations that go forward count (a step reached before
    the one it is measured from is left out); recent cohorts are right-censored (their slow
    entities have not got there yet), so read them with is_cohort_complete. Every cohort gets a
    row per metric, with null percentiles when nobody reached the step. -#}
{%- set numeric = dbt.type_numeric() -%}
{%- set metrics = [
    ('signup_to_activation', 'days_to_activation'),
    ('signup_to_qualified', 'days_to_qualified'),
    ('qualified_to_opportunity', 'days_qualified_to_opportunity'),
    ('qualified_to_won', 'days_qualified_to_won'),
    ('qualified_to_converted', 'days_qualified_to_converted'),
    ('signup_to_converted', 'days_to_converted'),
] -%}
{%- set window_days = var('pql_conversion_window_days') | int -%}
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
        days_to_activation,
        days_to_qualified,
        days_qualified_to_opportunity,
        days_qualified_to_won,
        days_qualified_to_converted,
        days_to_converted
    from user_funnel
    where not is_internal and is_eligible_at_signup

    union all

    select
        'account' as entity,
        definition_id,
        signup_week,
        signup_month,
        days_to_activation,
        days_to_qualified,
        days_qualified_to_opportunity,
        days_qualified_to_won,
        days_qualified_to_converted,
        days_to_converted
    from account_funnel
    where is_eligible_at_signup
),

cohorted as (
    select
        leads.*,
        'week' as cohort_grain,
        leads.signup_week as cohort_start
    from leads

    union all

    select
        leads.*,
        'month' as cohort_grain,
        leads.signup_month as cohort_start
    from leads
),

durations as (
    {%- for metric_name, column in metrics %}
        select
            entity,
            definition_id,
            cohort_grain,
            cohort_start,
            '{{ metric_name }}' as metric,
            case when {{ column }} >= 0 then {{ column }} end as duration_days
        from cohorted
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}
),

stats as (
    select
        entity,
        definition_id,
        cohort_grain,
        cohort_start,
        metric,
        count(*) as entity_count,
        count(duration_days) as reached_count,
        {{ percentile_cont('duration_days', 0.25) }} as p25_days,
        {{ percentile_cont('duration_days', 0.5) }} as median_days,
        {{ percentile_cont('duration_days', 0.75) }} as p75_days,
        {{ percentile_cont('duration_days', 0.9) }} as p90_days,
        avg(duration_days) as mean_days
    from durations
    group by
        entity,
        definition_id,
        cohort_grain,
        cohort_start,
        metric
),

cohorts as (
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

series as (
    select distinct
        entity,
        definition_id,
        metric
    from stats
),

spine as (
    select
        series.entity,
        series.definition_id,
        series.metric,
        cohort_bounds.cohort_grain,
        cohort_bounds.cohort_start,
        cohort_bounds.cohort_end
    from series
    cross join cohort_bounds
),

final as (
    select
        spine.entity || '|' || spine.definition_id || '|' || spine.cohort_grain || '|'
        || {{ dbt.cast('spine.cohort_start', dbt.type_string()) }} || '|' || spine.metric as time_to_pql_id,
        spine.entity,
        spine.definition_id,
        spine.cohort_grain,
        spine.cohort_start,
        {{ dbt.cast('spine.cohort_end', 'date') }} as cohort_end,
        spine.metric,
        {{ dbt.dateadd('day', window_days, 'spine.cohort_end') }} <= data_as_of.data_as_of_date
            as is_cohort_complete,
        cast(coalesce(stats.entity_count, 0) as {{ dbt.type_bigint() }}) as entity_count,
        cast(coalesce(stats.reached_count, 0) as {{ dbt.type_bigint() }}) as reached_count,
        cast({{ safe_divide('stats.reached_count', 'stats.entity_count') }} as {{ numeric }})
            as reached_share,
        cast(stats.p25_days as {{ numeric }}) as p25_days,
        cast(stats.median_days as {{ numeric }}) as median_days,
        cast(stats.p75_days as {{ numeric }}) as p75_days,
        cast(stats.p90_days as {{ numeric }}) as p90_days,
        cast(stats.mean_days as {{ numeric }}) as mean_days
    from spine
    cross join data_as_of
    left join stats
        on
            spine.entity = stats.entity
            and spine.definition_id = stats.definition_id
            and spine.cohort_grain = stats.cohort_grain
            and spine.cohort_start = stats.cohort_start
            and spine.metric = stats.metric
)

select * from final
