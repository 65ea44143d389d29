{#- The value of every signal of every definition for every entity, as intervals
    [valid_from, valid_to), computed exactly with a sweep: every counted item is present over
    [available_date, occurred_date + window_days), and the value on a day is the sum of the items
    present then (count: events; active_days: days; distinct_*: distinct keys, whose overlapping
    spans are merged first; first_time: present from its first known event on). The weight
    factor is 1 while the value meets the threshold, var pql_signal_decay_weight for
    lifespan_days after it stops meeting it, else 0. -#}
with

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

contributions as (
    select * from {{ ref('int_signal_contributions_daily') }}
),

settings as (
    select distinct
        definition_id,
        signal_id,
        aggregation,
        window_days,
        threshold,
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
        settings.aggregation,
        case
            when settings.window_days is not null
                then cast(
                    {{ dbt.dateadd('day', 'settings.window_days', 'contributions.occurred_date') }}
                    as date
                )
        end as leaves_on
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
    where aggregation in ('distinct_users', 'distinct_property_values')
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

items as (
    select
        definition_id,
        signal_id,
        entity_id,
        available_date as present_from,
        leaves_on as present_until,
        event_count as item_weight
    from live
    where aggregation = 'count'

    union all

    select
        definition_id,
        signal_id,
        entity_id,
        min(available_date) as present_from,
        leaves_on as present_until,
        1 as item_weight
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
        1 as item_weight
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
        1 as item_weight
    from distinct_islands
    group by definition_id, signal_id, entity_id, distinct_key, island
),

deltas as (
    select
        definition_id,
        signal_id,
        entity_id,
        present_from as change_date,
        item_weight as delta
    from items

    union all

    select
        definition_id,
        signal_id,
        entity_id,
        present_until as change_date,
        -item_weight as delta
    from items
    where present_until is not null
),

change_points as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date,
        sum(delta) as delta
    from deltas
    group by definition_id, signal_id, entity_id, change_date
),

valued as (
    select
        definition_id,
        signal_id,
        entity_id,
        change_date,
        sum(delta) over (
            partition by definition_id, signal_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        ) as signal_value,
        lead(change_date) over (
            partition by definition_id, signal_id, entity_id
            order by change_date
        ) as next_change_date
    from change_points
),

judged as (
    select
        valued.definition_id,
        valued.signal_id,
        valued.entity_id,
        valued.change_date,
        valued.signal_value,
        valued.next_change_date,
        valued.signal_value >= settings.threshold as is_met,
        settings.lifespan_days
    from valued
    inner join settings
        on
            valued.definition_id = settings.definition_id
            and valued.signal_id = settings.signal_id
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
        1.0 as factor
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
        {{ var('pql_signal_decay_weight') }} as factor
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
        0.0 as factor
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

final as (
    select * from meeting
    union all
    select * from decaying
    union all
    select * from faded
)

select * from final
