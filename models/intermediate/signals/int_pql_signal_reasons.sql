{#- The reasons an entity is scored as it is, from every date up to the as-of date (the last
    day any clean event was loaded) on which any of its signal intervals starts (until the next
    such date): the strongest signals carrying weight (disqualifiers first, then by weight x
    factor, at most reason_limit of them), rendered from their reason templates, and the
    signals firing at full weight. -#}
{#- How many reasons a state lists: what a sales rep reads, not a threshold. -#}
{%- set reason_limit = 3 -%}
{#- Numbers in reasons: at most one decimal, none when whole (macro number_text). -#}
{%- set value_text = number_text('intervals.signal_value') -%}
{%- set threshold_text = number_text('signal_settings.threshold') -%}
with

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

intervals as (
    select * from {{ ref('int_pql_signal_intervals') }}
),

as_of as (
    {{ stream_as_of_date() }}
),

signal_settings as (
    select distinct
        definition_id,
        signal_id,
        window_days,
        threshold,
        weight,
        disqualifies,
        reason_template
    from config
),

-- up to the as-of date, as the state history
change_dates as (
    select distinct
        intervals.definition_id,
        intervals.entity_id,
        intervals.valid_from as change_date
    from intervals
    cross join as_of
    where intervals.valid_from <= as_of.data_as_of_date
),

-- every interval in which a signal carries weight, its reason rendered
weighted_intervals as (
    select
        intervals.definition_id,
        intervals.entity_id,
        intervals.signal_id,
        intervals.valid_from,
        intervals.valid_to,
        intervals.factor,
        signal_settings.weight,
        signal_settings.disqualifies,
        replace(
            replace(
                replace(signal_settings.reason_template, '{value}', {{ value_text }}),
                '{window}',
                coalesce(cast(signal_settings.window_days as {{ dbt.type_string() }}), '')
            ),
            '{threshold}',
            {{ threshold_text }}
        )
        || case when intervals.factor < 1 then ' (fading)' else '' end as reason
    from intervals
    inner join signal_settings
        on
            intervals.definition_id = signal_settings.definition_id
            and intervals.signal_id = signal_settings.signal_id
    where intervals.factor > 0
),

-- the signals carrying weight on each change date: the intervals holding it
signal_states as (
    select
        change_dates.definition_id,
        change_dates.entity_id,
        change_dates.change_date,
        weighted_intervals.signal_id,
        weighted_intervals.weight,
        weighted_intervals.factor,
        weighted_intervals.disqualifies,
        weighted_intervals.reason
    from change_dates
    inner join weighted_intervals
        on
            change_dates.definition_id = weighted_intervals.definition_id
            and change_dates.entity_id = weighted_intervals.entity_id
            and change_dates.change_date >= weighted_intervals.valid_from
            -- an open interval never ends; a plain range condition keeps this a range join
            and change_dates.change_date
            < coalesce(weighted_intervals.valid_to, cast('9999-12-31' as date))
),

ranked as (
    select
        *,
        row_number() over (
            partition by definition_id, entity_id, change_date
            order by case when disqualifies then 0 else 1 end, weight * factor desc, signal_id
        ) as reason_rank
    from signal_states
),

listed as (
    select
        definition_id,
        entity_id,
        change_date,
        {{ pql_ordered_listagg(
            "case when reason_rank <= " ~ reason_limit ~ " then reason end",
            "'; '",
            'reason_rank',
        ) }} as reasons,
        {{ pql_ordered_listagg(
            'case when factor >= 1 then signal_id end', "', '", 'reason_rank'
        ) }} as signals_fired,
        sum(case when factor >= 1 then 1 else 0 end) as signals_fired_count
    from ranked
    group by definition_id, entity_id, change_date
),

-- a date on which no signal carries weight has no reasons
final as (
    select
        change_dates.definition_id,
        change_dates.entity_id,
        change_dates.change_date,
        coalesce(listed.reasons, '') as reasons,
        coalesce(listed.signals_fired, '') as signals_fired,
        coalesce(listed.signals_fired_count, 0) as signals_fired_count
    from change_dates
    left join listed
        on
            change_dates.definition_id = listed.definition_id
            and change_dates.entity_id = listed.entity_id
            and change_dates.change_date = listed.change_date
)

select * from final
