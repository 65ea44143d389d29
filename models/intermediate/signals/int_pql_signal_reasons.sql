{#- The reasons an entity is scored as it is, from every date up to the as-of date (the last
    day any clean event was loaded) on which any of its signal intervals starts (until the next
    such date): the strongest signals carrying weight (disqualifiers first, then by weight x
    factor, at most reason_limit of them), rendered from their reason templates, and the
    signals firing at full weight.

    A reason never shows a value below the signal's threshold: a signal fading after it stopped
    meeting its threshold shows the value it had on the last day it met it, and that day
    ("Created 5 projects in the last 14 days (as of 2026-03-01, fading)"). Plural forms in
    templates (`{value:project|projects}`) are resolved by the macro reason_template_plurals
    (docs/reason_templates.md). -#}
{#- How many reasons a state lists: what a sales rep reads, not a threshold. -#}
{%- set reason_limit = 3 -%}
{#- Numbers in reasons: at most one decimal, none when whole (macro number_text). -#}
{%- set value_text = number_text('shown.shown_value') -%}
{%- set threshold_text = number_text('shown.threshold') -%}
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
        disqualifies
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

{{ reason_template_plurals('config', pql_reason_plural_limit()) }},

-- the interval each interval's signal last met its threshold in (a fading interval's value is
-- below it, so its reason shows the value it had then)
last_met as (
    select
        definition_id,
        entity_id,
        signal_id,
        valid_from,
        max(case when factor >= 1 then valid_from end) over (
            partition by definition_id, signal_id, entity_id
            order by valid_from
            rows between unbounded preceding and current row
        ) as last_met_from
    from intervals
),

-- every interval in which a signal carries weight, with the value its reason shows
shown as (
    select
        intervals.definition_id,
        intervals.entity_id,
        intervals.signal_id,
        intervals.valid_from,
        intervals.valid_to,
        intervals.factor,
        signal_settings.weight,
        signal_settings.disqualifies,
        signal_settings.window_days,
        signal_settings.threshold,
        case when intervals.factor >= 1 then intervals.signal_value else met.signal_value end
            as shown_value,
        -- the last day the threshold was met
        case
            when intervals.factor < 1
                then cast({{ dbt.dateadd('day', -1, 'met.valid_to') }} as date)
        end as met_until
    from intervals
    inner join signal_settings
        on
            intervals.definition_id = signal_settings.definition_id
            and intervals.signal_id = signal_settings.signal_id
    inner join last_met
        on
            intervals.definition_id = last_met.definition_id
            and intervals.signal_id = last_met.signal_id
            and intervals.entity_id = last_met.entity_id
            and intervals.valid_from = last_met.valid_from
    left join intervals as met
        on
            intervals.definition_id = met.definition_id
            and intervals.signal_id = met.signal_id
            and intervals.entity_id = met.entity_id
            and last_met.last_met_from = met.valid_from
            and intervals.factor < 1
    where intervals.factor > 0
),

-- the reason in words: the singular template when the value shown is 1
weighted_intervals as (
    select
        shown.definition_id,
        shown.entity_id,
        shown.signal_id,
        shown.valid_from,
        shown.valid_to,
        shown.factor,
        shown.weight,
        shown.disqualifies,
        replace(
            replace(
                replace(
                    case
                        -- as number_text shows it: one decimal
                        when {{ round_places('shown.shown_value', 1) }} = 1
                            then reason_templates_resolved.template_one
                        else reason_templates_resolved.template_other
                    end,
                    '{value}',
                    {{ value_text }}
                ),
                '{window}',
                coalesce(cast(shown.window_days as {{ dbt.type_string() }}), '')
            ),
            '{threshold}',
            {{ threshold_text }}
        )
        || case
            when shown.factor < 1
                then ' (as of ' || cast(shown.met_until as {{ dbt.type_string() }}) || ', fading)'
            else ''
        end as reason
    from shown
    inner join reason_templates_resolved
        on
            shown.definition_id = reason_templates_resolved.definition_id
            and shown.signal_id = reason_templates_resolved.signal_id
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
