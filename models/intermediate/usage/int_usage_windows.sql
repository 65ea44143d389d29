{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['entity', 'entity_id', 'as_of_date'],
        on_schema_change='fail',
        meta={'test_window_column': 'last_resolved_received_at'},
        post_hook="{% if target.type != 'spark' %}delete from {{ this }} where exists (
            select 1 from (
                select entity, entity_id, max(first_known_date) as series_start
                from {{ this }}
                where as_of_date = first_known_date
                group by entity, entity_id
                having count(*) > 1
            ) as moved
            where moved.entity = {{ this.identifier }}.entity
                and moved.entity_id = {{ this.identifier }}.entity_id
                and {{ this.identifier }}.as_of_date < moved.series_start
        ){% endif %}",
    )
}}
{#- Rolling usage per entity (user, account) as of every date, exact and point in time: as of d,
    a window of N days covers the events that occurred in (d - N, d] and were known by d (from
    their available date). How, what each entity counts, and the incremental runs (an entity's
    rows are rewritten from the earliest day an event resolved since the watermark occurred,
    else only its new days; the post-hook drops rows left before a first known date that moved
    later, except on Spark without Delta, which cannot delete): docs/usage_windows.md.
    The post-hook touches only the entities whose start moved: every row of an entity carries
    the same first_known_date, so its series has one start row (as_of_date = first_known_date);
    a run that moves the start later writes a second one and leaves the old rows before it.
    Finding those entities is a filter on the start rows, not a lookup per stored row. -#}
{%- set windows = validated_var('pql_usage_windows') -%}
{%- set largest_window = windows | max -%}
{%- set smallest_window = windows | min -%}
{%- set page_view_event = 'page_viewed' -%}
{#- the series' length is at most 2^16 days (about 179 years) -#}
{%- set max_series_days = 65536 -%}
{%- set counted_measures = ['event_count', 'active_day_count', 'page_view_count'] -%}
{%- set member_measures = {'feature': 'distinct_feature_count', 'seat': 'active_seat_count'} -%}
{%- set output_columns, member_columns = [], [] -%}
{%- set all_measures = counted_measures[:2] + ['distinct_feature_count', 'page_view_count'] -%}
{%- for measure in all_measures + ['active_seat_count'] -%}
    {%- for window_days in windows -%}
        {%- do output_columns.append((measure, window_days, measure ~ '_' ~ window_days ~ 'd')) -%}
        {%- for member_type, member_measure in member_measures.items() if member_measure == measure -%}
            {%- do member_columns.append((member_type, window_days, measure ~ '_' ~ window_days ~ 'd')) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endfor -%}
{%- set entity_from = 'coalesce(least(changed.recompute_from_date, recompute.recompute_from_date), '
    ~ 'recompute.recompute_from_date)' if is_incremental() else 'recompute.recompute_from_date' -%}
{%- set running_total = 'partition by series.entity, series.entity_id order by series.as_of_date
                rows between unbounded preceding and current row' -%}

with

events as (
    select * from {{ ref('int_events_resolved') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

day_numbers as (
    {{ dbt.generate_series(max_series_days) }}
),

internal_users as (
    select user_id from users
    where is_internal
),

stream_events as (
    {#- not `stream`: Spark 4 reads `from stream` as a streaming read (FROM STREAM) -#}
    select
        user_id,
        account_id,
        event_name,
        occurred_date,
        resolved_received_at,
        greatest(
            occurred_date,
            {{ dbt.cast('resolved_received_at', 'date') }}
        ) as available_date
    from events
),

{% if is_incremental() %}
    stored_bounds as (
        select
            max(as_of_date) as last_stored_date,
            {{ dbt.cast(dbt.dateadd('day', 1, 'max(as_of_date)'), 'date') }} as next_date
        from {{ this }}
    ),

    new_events as (
        select * from stream_events
        where resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
    ),

    changed_entities as (
        {#- from the earliest day an event resolved since the watermark occurred: one resolved
            again (stitched, attributed) had counted from an earlier available date -#}
        select
            entity,
            entity_id,
            min(occurred_date) as recompute_from_date
        from (
            select
                'user' as entity,
                user_id as entity_id,
                occurred_date
            from new_events
            union all
            select
                'account' as entity,
                account_id as entity_id,
                occurred_date
            from new_events
        ) as changed
        where entity_id is not null
        group by
            entity,
            entity_id
    ),

    recompute as (
        select
            stored_bounds.next_date as recompute_from_date,
            least(stored_bounds.next_date, coalesce(new_bounds.first_occurred_date, stored_bounds.next_date))
                as first_read_date,
            greatest(
                stored_bounds.last_stored_date,
                coalesce(new_bounds.last_available_date, stored_bounds.last_stored_date)
            ) as last_available_date
        from stored_bounds
        cross join (
            select
                min(occurred_date) as first_occurred_date,
                max(available_date) as last_available_date
            from new_events
        ) as new_bounds
        {#- No event resolved since the watermark: no row to write, so no row to compute (every
            CTE below is cross-joined with this one). #}
        where new_bounds.last_available_date is not null
    ),
{% else %}
    recompute as (
        select
            min(available_date) as recompute_from_date,
            min(available_date) as first_read_date,
            max(available_date) as last_available_date
        from stream_events
    ),
{% endif %}

day_offsets as (
    select day_numbers.generated_number - 1 as day_offset
    from day_numbers
    cross join recompute
    where
        day_numbers.generated_number - 1
        <= {{ dbt.datediff('recompute.first_read_date', 'recompute.last_available_date', 'day') }}
        + {{ largest_window }}
),

known_events as (
    select stream_events.*
    from stream_events
    cross join recompute
    where
        stream_events.available_date >= recompute.first_read_date
        or stream_events.occurred_date > {{ dbt.cast(
            dbt.dateadd('day', -1 * largest_window, 'recompute.first_read_date'), 'date'
        ) }}
),

entity_events as (
    {#- the events that can reach a recomputed date's windows (all on a full build), with the
        entity's first recomputed date -#}
    select
        expanded.*,
        {{ entity_from }} as recompute_from_date
    from (
        select
            'user' as entity,
            known_events.user_id as entity_id,
            known_events.*
        from known_events
        where known_events.user_id is not null

        union all

        select
            'account' as entity,
            known_events.account_id as entity_id,
            known_events.*
        from known_events
        left join internal_users
            on known_events.user_id = internal_users.user_id
        where
            known_events.account_id is not null
            and internal_users.user_id is null
    ) as expanded
    cross join recompute
    {% if is_incremental() -%}
        left join changed_entities as changed
            on expanded.entity = changed.entity and expanded.entity_id = changed.entity_id
    {%- endif %}
    where
        expanded.available_date >= {{ entity_from }}
        or expanded.occurred_date
        > {{ dbt.cast(dbt.dateadd('day', -1 * largest_window, entity_from), 'date') }}
),

member_days as (
    {#- One row per entity, member (an event name; an account's user) and occurred day, with
        the day its first event was known. -#}
    select
        entity,
        entity_id,
        'feature' as member_type,
        event_name as member_id,
        occurred_date,
        count(*) as event_count,
        min(available_date) as first_available_date
    from entity_events
    group by
        entity,
        entity_id,
        event_name,
        occurred_date

    union all

    select
        entity,
        entity_id,
        'seat' as member_type,
        user_id as member_id,
        occurred_date,
        count(*) as event_count,
        min(available_date) as first_available_date
    from entity_events
    where
        entity = 'account'
        and user_id is not null
    group by
        entity,
        entity_id,
        user_id,
        occurred_date
),

activity_days as (
    select
        entity,
        entity_id,
        occurred_date,
        sum(event_count) as event_count,
        sum(case when member_id = '{{ page_view_event }}' then event_count else 0 end)
            as page_view_count,
        1 as active_day_count,
        min(first_available_date) as first_available_date
    from member_days
    where member_type = 'feature'
    group by
        entity,
        entity_id,
        occurred_date
),

known_days as (
    {#- the latest resolved_received_at of the events known from each day -#}
    select
        entity,
        entity_id,
        available_date,
        max(resolved_received_at) as last_resolved_received_at
    from entity_events
    group by
        entity,
        entity_id,
        available_date
),

late_event_groups as (
    select
        entity_events.entity,
        entity_events.entity_id,
        entity_events.occurred_date,
        entity_events.available_date,
        activity_days.first_available_date,
        count(*) as event_count,
        sum(case when entity_events.event_name = '{{ page_view_event }}' then 1 else 0 end)
            as page_view_count,
        {{ dbt.datediff('entity_events.occurred_date', 'entity_events.available_date', 'day') }}
            as late_days
    from entity_events
    inner join activity_days
        on
            entity_events.entity = activity_days.entity
            and entity_events.entity_id = activity_days.entity_id
            and entity_events.occurred_date = activity_days.occurred_date
    where entity_events.available_date > entity_events.occurred_date
    group by
        entity_events.entity,
        entity_events.entity_id,
        entity_events.occurred_date,
        entity_events.available_date,
        activity_days.first_available_date
),

pending_days as (
    {#- Each as-of date on which late events had occurred but were not known yet, and how many
        days before; a day is a pending active day until its first event is known. -#}
    select
        late_event_groups.entity,
        late_event_groups.entity_id,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'late_event_groups.occurred_date'), 'date'
        ) }} as as_of_date,
        day_offsets.day_offset as days_since_occurred,
        late_event_groups.event_count,
        late_event_groups.page_view_count,
        case
            when late_event_groups.available_date = late_event_groups.first_available_date then 1
            else 0
        end as active_day_count
    from late_event_groups
    inner join day_offsets
        on
            late_event_groups.late_days > day_offsets.day_offset
            and day_offsets.day_offset < {{ largest_window }}
),

pending as (
    select
        entity,
        entity_id,
        as_of_date,
        {% for measure, window_days, column in output_columns if measure in counted_measures %}
            sum(case when days_since_occurred < {{ window_days }} then {{ measure }} else 0 end)
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from pending_days
    group by
        entity,
        entity_id,
        as_of_date
),

member_occurrences as (
    {#- Each member's occurrence days in the order they became known, with the latest occurred
        day known before each and the next one's available day. Page views are no feature. -#}
    select
        entity,
        entity_id,
        member_type,
        occurred_date,
        first_available_date,
        max(occurred_date) over (
            partition by entity, entity_id, member_type, member_id
            order by first_available_date, occurred_date
            rows between unbounded preceding and 1 preceding
        ) as previous_latest_occurred_date,
        lead(first_available_date) over (
            partition by entity, entity_id, member_type, member_id
            order by first_available_date, occurred_date
        ) as next_available_date
    from member_days
    where member_type = 'seat' or member_id != '{{ page_view_event }}'
),

member_runs as (
    {#- days between the dates that decide where a member's count starts and stops -#}
    select
        entity,
        entity_id,
        member_type,
        first_available_date,
        latest_occurred_date,
        {{ dbt.datediff('occurred_date', 'first_available_date', 'day') }}
            as known_after_days,
        {{ dbt.datediff('previous_latest_occurred_date', 'first_available_date', 'day') }}
            as known_after_previous_days,
        {{ dbt.datediff('latest_occurred_date', 'first_available_date', 'day') }}
            as known_after_latest_days,
        {{ dbt.datediff('latest_occurred_date', 'next_available_date', 'day') }}
            as next_known_after_latest_days
    from (
        select
            *,
            greatest(coalesce(previous_latest_occurred_date, occurred_date), occurred_date)
                as latest_occurred_date
        from member_occurrences
    ) as occurrences
),

member_changes as (
    {#- For window N a member starts counting when an occurrence becomes known less than N days
        after it occurred while no earlier one still counts; it stops N days after the latest
        occurrence known, unless the next occurrence is known by then. -#}
    select
        entity,
        entity_id,
        first_available_date as change_date,
        {% for member_type, window_days, column in member_columns %}
            case
                when
                    member_type = '{{ member_type }}'
                    and known_after_days < {{ window_days }}
                    and coalesce(known_after_previous_days >= {{ window_days }}, true)
                    then 1
                else 0
            end as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from member_runs
    where
        known_after_days < {{ largest_window }}
        and coalesce(known_after_previous_days >= {{ smallest_window }}, true)
    {% for window_days in windows %}
        {%- set ending_window = window_days %}

        union all

        select
            entity,
            entity_id,
            {{ dbt.cast(dbt.dateadd('day', window_days, 'latest_occurred_date'), 'date') }}
                as change_date,
            {% for member_type, other_window, column in member_columns %}
                case when member_type = '{{ member_type }}' then {{ -1 if other_window == ending_window
                    else 0 }} else 0 end as {{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from member_runs
        where
            known_after_latest_days < {{ window_days }}
            and coalesce(next_known_after_latest_days >= {{ window_days }}, true)
    {% endfor %}
),

daily_member_changes as (
    select
        entity,
        entity_id,
        change_date,
        {% for member_type, window_days, column in member_columns %}
            sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from member_changes
    group by
        entity,
        entity_id,
        change_date
),

read_ranges as (
    select
        entity,
        entity_id,
        min(recompute_from_date) as recompute_from_date,
        min(available_date) as first_known_date,
        min(occurred_date) as first_occurred_date,
        {{ dbt.cast('null', dbt.type_timestamp()) }} as carried_received_at
    from entity_events
    group by
        entity,
        entity_id
),

{% if is_incremental() %}
    stored_entities as (
        {#- entities stored from the day before their first recomputed date, with that day's
            watermark, carried on -#}
        select
            stored.entity,
            stored.entity_id,
            {{ entity_from }} as recompute_from_date,
            min(case when stored.as_of_date < {{ entity_from }} then stored.first_known_date end)
                as first_known_date,
            max(
                case when stored.as_of_date < {{ entity_from }} then stored.last_resolved_received_at end
            ) as carried_received_at
        from {{ this }} as stored
        cross join recompute
        left join changed_entities as changed
            on stored.entity = changed.entity and stored.entity_id = changed.entity_id
        where stored.as_of_date >= {{ dbt.cast(dbt.dateadd('day', -1, entity_from), 'date') }}
        group by
            stored.entity,
            stored.entity_id,
            {{ entity_from }}
    ),

    entity_ranges as (
        {#- Stored rows before the first recomputed date keep the first known date; else every
            event of the entity is known from that date on, so all are read. -#}
        select
            coalesce(read_ranges.entity, stored_entities.entity) as entity,
            coalesce(read_ranges.entity_id, stored_entities.entity_id) as entity_id,
            coalesce(read_ranges.recompute_from_date, stored_entities.recompute_from_date)
                as recompute_from_date,
            coalesce(stored_entities.first_known_date, read_ranges.first_known_date)
                as first_known_date,
            read_ranges.first_occurred_date,
            stored_entities.carried_received_at
        from read_ranges
        full outer join stored_entities
            on
                read_ranges.entity = stored_entities.entity
                and read_ranges.entity_id = stored_entities.entity_id
    ),
{% endif %}

series_ranges as (
    {#- Rows are written from the later of the entity's first known date and its first
        recomputed date; the series starts early enough to hold every event in their windows. -#}
    select
        entity,
        entity_id,
        carried_received_at,
        first_known_date,
        first_output_date,
        least(
            first_output_date,
            greatest(
                coalesce(first_occurred_date, first_output_date),
                {{ dbt.cast(dbt.dateadd('day', 1 - largest_window, 'first_output_date'), 'date') }}
            )
        ) as series_start_date
    from (
        select
            *,
            greatest(first_known_date, recompute_from_date) as first_output_date
        from {{ 'entity_ranges' if is_incremental() else 'read_ranges' }}
    ) as output_ranges
),

series as (
    select
        series_ranges.entity,
        series_ranges.entity_id,
        series_ranges.carried_received_at,
        series_ranges.first_known_date,
        series_ranges.first_output_date,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'series_ranges.series_start_date'), 'date'
        ) }} as as_of_date
    from series_ranges
    cross join recompute
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff(
                'series_ranges.series_start_date', 'recompute.last_available_date', 'day'
            ) }}
),

running_totals as (
    select
        series.entity,
        series.entity_id,
        series.carried_received_at,
        series.first_known_date,
        series.first_output_date,
        series.as_of_date,
        {%- for measure in counted_measures + member_columns | map(attribute=2) | list %}
            {%- set from_day = 'daily_member_changes.' ~ measure if measure not in counted_measures
                else 'activity_days.' ~ measure %}
            sum(coalesce({{ from_day }}, 0)) over ({{ running_total }}) as running_{{ measure }},
        {%- endfor %}
        max(known_days.last_resolved_received_at) over ({{ running_total }})
            as running_received_at
    from series
    left join activity_days
        on
            series.entity = activity_days.entity
            and series.entity_id = activity_days.entity_id
            and series.as_of_date = activity_days.occurred_date
    left join daily_member_changes
        on
            series.entity = daily_member_changes.entity
            and series.entity_id = daily_member_changes.entity_id
            and series.as_of_date = daily_member_changes.change_date
    left join known_days
        on
            series.entity = known_days.entity
            and series.entity_id = known_days.entity_id
            and series.as_of_date = known_days.available_date
),

windowed as (
    select
        totals.entity,
        totals.entity_id,
        totals.first_known_date,
        totals.first_output_date,
        totals.as_of_date,
        {% for measure, window_days, column in output_columns %}
            {% if measure in counted_measures %}
                totals.running_{{ measure }}
                - coalesce(lag(totals.running_{{ measure }}, {{ window_days }}) over (
                    partition by totals.entity, totals.entity_id
                    order by totals.as_of_date
                ), 0)
                - coalesce(pending.{{ column }}, 0)
                    as {{ column }},
            {% elif measure == 'active_seat_count' %}
                case
                    when totals.entity = 'account' then totals.running_{{ column }}
                end as {{ column }},
            {% else %}
                totals.running_{{ column }} as {{ column }},
            {% endif %}
        {% endfor %}
        greatest(
            coalesce(totals.carried_received_at, totals.running_received_at),
            coalesce(totals.running_received_at, totals.carried_received_at)
        ) as last_resolved_received_at
    from running_totals as totals
    left join pending
        on
            totals.entity = pending.entity
            and totals.entity_id = pending.entity_id
            and totals.as_of_date = pending.as_of_date
),

final as (
    select
        entity,
        entity_id,
        as_of_date,
        {% for measure, window_days, column in output_columns %}
            cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {% endfor %}
        first_known_date,
        last_resolved_received_at
    from windowed
    where as_of_date >= first_output_date
)

select * from final
