{#- The value of every signal of every definition for every entity, as intervals
    [valid_from, valid_to), computed exactly with a sweep: every counted item is present over
    [available_date, occurred_date + window_days), and the value on a day is the sum of the items
    present then (count: events; sum: the property's numbers; active_days: days; distinct_*:
    distinct keys, whose overlapping spans are merged first; first_time: present from its first
    known event on). avg sweeps the numbers and how many there are, and divides; count_growth
    sweeps this window's events and the previous window's (the same events, present over
    [occurred_date + window_days, occurred_date + 2 x window_days)) and divides, 0 while the
    previous window is empty; max takes the largest number present at each change. The signal
    is met while the value is at least threshold and at most threshold_max (when set). The
    weight factor is 1 while it is met, var pql_signal_decay_weight for lifespan_days after it
    stops being met, else 0. -#}
{#- Incremental per entity: the intervals of every definition and entity with a contribution
    recomputed since the watermark (a new or late event, a stitched one) are recomputed whole;
    every other entity keeps its rows, which already hold the future (a window closing, a decay
    ending, as dated intervals). A changed configuration (config_hash) rebuilds every row. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['definition_id', 'entity_id'],
        on_schema_change='fail',
        pre_hook="{{ pql_engine_config_reset() }}",
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{%- set double = type_double() -%}
{%- set rebuild = pql_engine_rebuilds() %}
with

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

{{ pql_engine_entity_rows('contributions', ref('int_signal_contributions_daily'), rebuild) }}

config_version as (
    {{ pql_engine_config_hash_query() }}
),

settings as (
    select distinct
        definition_id,
        signal_id,
        aggregation,
        window_days,
        threshold,
        threshold_max,
        lifespan_days
    from config
),

contributions_with_exit as (
    select
        contributions.definition_id,
        contributions.signal_id,
        contributions.entity_id,
        contributions.occurred_date,
        contributions.available_date,
        contributions.distinct_key,
        contributions.event_count,
        contributions.property_sum,
        contributions.property_max,
        settings.aggregation,
        case
            when settings.window_days is not null
                then cast(
                    {{ dbt.dateadd('day', 'settings.window_days', 'contributions.occurred_date') }}
                    as date
                )
        end as leaves_on,
        -- count_growth: when the event leaves the previous window too
        case
            when settings.aggregation = 'count_growth'
                then cast(
                    {{ dbt.dateadd('day', '2 * settings.window_days', 'contributions.occurred_date') }}
                    as date
                )
        end as leaves_previous_on
    from contributions
    inner join settings
        on
            contributions.definition_id = settings.definition_id
            and contributions.signal_id = settings.signal_id
),

-- an item known only after its window closed never counts
live as (
    select * from contributions_with_exit
    where leaves_on is null or available_date < leaves_on
),

distinct_spans as (
    select
        definition_id,
        signal_id,
        entity_id,
        distinct_key,
        available_date as span_start,
        leaves_on as span_end,
        max(leaves_on) over (
            partition by definition_id, signal_id, entity_id, distinct_key
            order by available_date, leaves_on
            rows between unbounded preceding and 1 preceding
        ) as previous_end
    from live
    where aggregation in ('distinct_users', 'distinct_property_values', 'distinct_events')
),

distinct_islands as (
    select
        *,
        sum(case when previous_end >= span_start then 0 else 1 end) over (
            partition by definition_id, signal_id, entity_id, distinct_key
            order by span_start, span_end
            rows between unbounded preceding and current row
        ) as island
    from distinct_spans
),

-- what each item adds to the value (item_weight) and, for avg and count_growth, to the
-- divisor (item_count) while it is present
items as (
    select
        definition_id,
        signal_id,
        entity_id,
        available_date as present_from,
        leaves_on as present_until,
        cast(case
            when aggregation in ('sum', 'avg') then property_sum
            else event_count
        end as {{ double }}) as item_weight,
        case when aggregation = 'avg' then event_count else 0 end as item_count
    from live
    where aggregation in ('count', 'sum', 'avg', 'count_growth')

    union all

    -- count_growth: the previous window's events, the divisor
    select
        definition_id,
        signal_id,
        entity_id,
        case
            when available_date > leaves_on then available_date
            else leaves_on
        end as present_from,
        leaves_previous_on as present_until,
        cast(0 as {{ double }}) as item_weight,
        event_count as item_count
    from contributions_with_exit
    where aggregation = 'count_growth' and available_date < leaves_previous_on

    union all

    select
        definition_id,
        signal_id,
        entity_id,
        min(available_date) as present_from,
        leaves_on as present_until,
        cast(1 as {{ double }}) as item_weight,
        0 as item_count
    from live
    where aggregation = 'active_days'
    group by definition_id, signal_id, entity_id, occurred_date, leaves_on

    union all

    select
        definition_id,
        signal_id,
        entity_id,
        min(available_date) as present_from,
        cast(null as date) as present_until,
        cast(1 as {{ double }}) as item_weight,
        0 as item_count
    from live
    where aggregation = 'first_time'
    group by definition_id, signal_id, entity_id

    union all

    select
        definition_id,
        signal_id,
        entity_id,
        min(span_start) as present_from,
        max(span_end) as present_until,
        cast(1 as {{ double }}) as item_weight,
        0 as item_count
    from distinct_islands
    group by definition_id, signal_id, entity_id, distinct_key, island
),

deltas as (
    select
        definition_id,
        signal_id,
        entity_id,
        present_from as change_date,
        item_weight as delta,
        item_count as count_delta
    from items

    union all

    select
        definition_id,
        signal_id,
        entity_id,
        present_until as change_date,
        -item_weight as delta,
        -item_count as count_delta
    from items
    where present_until is not null
),

change_points as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date,
        sum(delta) as delta,
        sum(count_delta) as count_delta
    from deltas
    group by definition_id, signal_id, entity_id, change_date
),

swept as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date,
        sum(delta) over (
            partition by definition_id, signal_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        ) as value_total,
        sum(count_delta) over (
            partition by definition_id, signal_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        ) as value_divisor
    from change_points
),

-- max: the largest number among the items present at each date an item arrives or leaves
max_items as (
    select
        definition_id,
        signal_id,
        entity_id,
        available_date as present_from,
        leaves_on as present_until,
        property_max
    from live
    where aggregation = 'max'
),

max_change_points as (
    select
        definition_id,
        signal_id,
        entity_id,
        present_from as change_date
    from max_items
    union distinct
    select
        definition_id,
        signal_id,
        entity_id,
        present_until as change_date
    from max_items
),

maxed as (
    select
        max_change_points.definition_id,
        max_change_points.signal_id,
        max_change_points.entity_id,
        max_change_points.change_date,
        cast(coalesce(max(max_items.property_max), 0) as {{ double }}) as value_total,
        0 as value_divisor
    from max_change_points
    left join max_items
        on
            max_change_points.definition_id = max_items.definition_id
            and max_change_points.signal_id = max_items.signal_id
            and max_change_points.entity_id = max_items.entity_id
            and max_change_points.change_date >= max_items.present_from
            and max_change_points.change_date < max_items.present_until
    group by
        max_change_points.definition_id,
        max_change_points.signal_id,
        max_change_points.entity_id,
        max_change_points.change_date
),

valued as (
    select
        *,
        lead(change_date) over (
            partition by definition_id, signal_id, entity_id
            order by change_date
        ) as next_change_date
    from (
        select * from swept
        union all
        select * from maxed
    ) as totals
),

measured as (
    select
        valued.definition_id,
        valued.signal_id,
        valued.entity_id,
        valued.change_date,
        valued.next_change_date,
        {{ round_places(
            "case
                when settings.aggregation not in ('avg', 'count_growth') then valued.value_total
                when valued.value_divisor > 0 then valued.value_total / valued.value_divisor
                else 0
            end", 6) }} as signal_value,
        settings.threshold,
        settings.threshold_max,
        settings.lifespan_days
    from valued
    inner join settings
        on
            valued.definition_id = settings.definition_id
            and valued.signal_id = settings.signal_id
),

judged as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date,
        signal_value,
        next_change_date,
        signal_value >= threshold
        and (threshold_max is null or signal_value <= threshold_max) as is_met,
        lifespan_days
    from measured
),

stops as (
    select
        *,
        case
            when
                not is_met
                and coalesce(lag(is_met) over (
                    partition by definition_id, signal_id, entity_id
                    order by change_date
                ), false)
                then change_date
        end as stop_date
    from judged
),

last_stops as (
    select
        *,
        max(stop_date) over (
            partition by definition_id, signal_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        ) as last_stop_date
    from stops
),

decay_bounded as (
    select
        *,
        case
            when last_stop_date is not null and lifespan_days > 0
                then cast({{ dbt.dateadd('day', 'lifespan_days', 'last_stop_date') }} as date)
        end as decay_until
    from last_stops
),

-- full weight while the threshold is met
meeting as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date as valid_from,
        next_change_date as valid_to,
        signal_value,
        is_met,
        cast(1 as {{ double }}) as factor
    from decay_bounded
    where is_met
),

-- a share of the weight for lifespan_days after the last stop
decaying as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date as valid_from,
        case
            when next_change_date is null or next_change_date > decay_until then decay_until
            else next_change_date
        end as valid_to,
        signal_value,
        is_met,
        cast({{ var('pql_signal_decay_weight') }} as {{ double }}) as factor
    from decay_bounded
    where not is_met and decay_until > change_date
),

-- no weight once any decay is over
faded as (
    select
        definition_id,
        signal_id,
        entity_id,
        case
            when decay_until > change_date then decay_until
            else change_date
        end as valid_from,
        next_change_date as valid_to,
        signal_value,
        is_met,
        cast(0 as {{ double }}) as factor
    from decay_bounded
    where
        not is_met
        and (
            decay_until is null
            or decay_until <= change_date
            or next_change_date is null
            or next_change_date > decay_until
        )
),

weighted_spans as (
    select * from meeting
    union all
    select * from decaying
    union all
    select * from faded
),

final as (
    select
        weighted_spans.*,
        entity_watermarks.last_resolved_received_at,
        config_version.config_hash
    from weighted_spans
    inner join entity_watermarks
        on
            weighted_spans.definition_id = entity_watermarks.definition_id
            and weighted_spans.entity_id = entity_watermarks.entity_id
    cross join config_version
)

select * from final
