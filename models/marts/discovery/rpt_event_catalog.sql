{#- Everything the product sends, per grain (user, account): every event name, page path and
    page host, how many entities ever did it, first and last seen, and how often the lift
    population did it in its first var pql_lift_observation_days days (share of entities,
    per-doer count percentiles), with its best frequency cut-off from
    rpt_signal_lift_by_frequency. The starting point for choosing signals. -#}
{%- set numeric = dbt.type_numeric() -%}
with

events as (
    select * from {{ ref('int_events_resolved') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

population as (
    select * from {{ ref('fct_lift_population') }}
),

behaviour_counts as (
    select * from {{ ref('fct_lift_behaviour_counts') }}
    where feature_type in ('event', 'page_path', 'page_host')
),

frequency_lift as (
    select * from {{ ref('rpt_signal_lift_by_frequency') }}
),

entity_events as (
    select
        'user' as entity,
        events.user_id as entity_id,
        events.event_name,
        events.page_path,
        events.page_host,
        events.occurred_at
    from events
    inner join users
        on events.user_id = users.user_id
    where not users.is_internal

    union all

    select
        'account' as entity,
        events.account_id as entity_id,
        events.event_name,
        events.page_path,
        events.page_host,
        events.occurred_at
    from events
    left join users
        on events.user_id = users.user_id
    where events.account_id is not null and not coalesce(users.is_internal, false)
),

behaviours as (
    select
        entity,
        entity_id,
        'event' as feature_type,
        event_name as feature_id,
        occurred_at
    from entity_events
    where event_name is not null
    union all
    select
        entity,
        entity_id,
        'page_path' as feature_type,
        page_path as feature_id,
        occurred_at
    from entity_events
    where page_path is not null
    union all
    select
        entity,
        entity_id,
        'page_host' as feature_type,
        page_host as feature_id,
        occurred_at
    from entity_events
    where page_host is not null
),

ever as (
    select
        entity,
        feature_type,
        feature_id,
        count(distinct entity_id) as entity_count,
        count(*) as event_count,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from behaviours
    group by
        entity,
        feature_type,
        feature_id
),

population_sizes as (
    select
        entity,
        count(*) as population_count
    from population
    group by entity
),

early as (
    select
        entity,
        feature_type,
        feature_id,
        count(*) as early_doer_count,
        {{ percentile_cont('behaviour_count', 0.5) }} as early_count_p50,
        {{ percentile_cont('behaviour_count', 0.75) }} as early_count_p75,
        {{ percentile_cont('behaviour_count', 0.9) }} as early_count_p90,
        max(behaviour_count) as early_count_max
    from behaviour_counts
    group by
        entity,
        feature_type,
        feature_id
),

best_ranked as (
    select
        frequency_lift.*,
        row_number() over (
            partition by frequency_lift.entity, frequency_lift.feature_type, frequency_lift.feature_id
            order by frequency_lift.lift_rank asc
        ) as best_rank
    from frequency_lift
),

best as (
    select * from best_ranked
    where best_rank = 1
),

final as (
    select
        ever.entity || '|' || ever.feature_type || '|' || ever.feature_id as event_catalog_id,
        ever.entity,
        ever.feature_type,
        ever.feature_id,
        cast(ever.entity_count as {{ dbt.type_bigint() }}) as entity_count,
        cast(ever.event_count as {{ dbt.type_bigint() }}) as event_count,
        ever.first_seen_at,
        ever.last_seen_at,
        cast(coalesce(population_sizes.population_count, 0) as {{ dbt.type_bigint() }})
            as population_count,
        cast(coalesce(early.early_doer_count, 0) as {{ dbt.type_bigint() }}) as early_doer_count,
        cast(
            {{ safe_divide('coalesce(early.early_doer_count, 0)', 'population_sizes.population_count') }}
            as {{ numeric }}
        ) as early_doer_share,
        cast(early.early_count_p50 as {{ numeric }}) as early_count_p50,
        cast(early.early_count_p75 as {{ numeric }}) as early_count_p75,
        cast(early.early_count_p90 as {{ numeric }}) as early_count_p90,
        cast(early.early_count_max as {{ dbt.type_bigint() }}) as early_count_max,
        best.cutoff_count as best_cutoff_count,
        best.lift as best_lift,
        best.lift_ci_low_adjusted as best_lift_ci_low_adjusted,
        coalesce(best.is_significant_adjusted, false) as is_significant_adjusted,
        cast(best.lift_rank as {{ dbt.type_int() }}) as best_lift_rank
    from ever
    left join population_sizes
        on ever.entity = population_sizes.entity
    left join early
        on
            ever.entity = early.entity
            and ever.feature_type = early.feature_type
            and ever.feature_id = early.feature_id
    left join best
        on
            ever.entity = best.entity
            and ever.feature_type = best.feature_type
            and ever.feature_id = best.feature_id
)

select * from final
