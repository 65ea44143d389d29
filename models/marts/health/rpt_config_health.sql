{{ config(post_hook="{{ warn_config_health(this) }}") }}
{#- Does the configuration describe this warehouse's data? One row per configured name (a
    signal's event names, page path prefix and page host; each activation milestone's event),
    per signal (can anything match all its filters?) and per definition (can any of its signals
    fire?), with the number of clean events that match, a status (ok / warn) and a message.
    A name that never occurs is usually a misspelling or a name from another tracking plan:
    the signal can never fire, silently. The post-hook prints every warning in the dbt output;
    the data test assert_configured_names_occur_in_the_data warns with the same rows. -#}
with

signal_events as (
    select * from {{ ref('int_pql_config_validated') }}
),

milestones as (
    select * from {{ ref('activation_milestones') }}
),

events as (
    select * from {{ ref('int_events_resolved') }}
),

contributions as (
    select * from {{ ref('int_signal_contributions_daily') }}
),

event_name_counts as (
    select
        event_name,
        count(*) as event_count
    from events
    group by event_name
),

page_counts as (
    select
        page_path,
        page_host,
        count(*) as event_count
    from events
    where event_source = 'page'
    group by page_path, page_host
),

signals as (
    select distinct
        definition_id,
        signal_id,
        page_path_prefix,
        page_host
    from signal_events
),

page_filters as (
    select
        definition_id,
        signal_id,
        'page_path_prefix' as check_type,
        page_path_prefix as configured_value
    from signals
    where page_path_prefix is not null

    union all

    select
        definition_id,
        signal_id,
        'page_host' as check_type,
        page_host as configured_value
    from signals
    where page_host is not null
),

signal_match_counts as (
    select
        signals.definition_id,
        signals.signal_id,
        coalesce(sum(contributions.event_count), 0) as event_count
    from signals
    left join contributions
        on
            signals.definition_id = contributions.definition_id
            and signals.signal_id = contributions.signal_id
    group by signals.definition_id, signals.signal_id
),

checks as (
    select
        'event_name' as check_type,
        signal_events.definition_id,
        signal_events.signal_id,
        {{ dbt.cast('null', dbt.type_string()) }} as milestone_id,
        signal_events.event_name as configured_value,
        coalesce(sum(event_name_counts.event_count), 0) as matching_event_count
    from signal_events
    -- a wildcard (report_*) matches every event name it prefixes
    left join event_name_counts
        on
            signal_events.event_name = event_name_counts.event_name
            or (
                {{ dbt.right('signal_events.event_name', '1') }} = '*'
                and substring(
                    event_name_counts.event_name, 1, {{ dbt.length('signal_events.event_name') }} - 1
                )
                = substring(
                    signal_events.event_name, 1, {{ dbt.length('signal_events.event_name') }} - 1
                )
            )
    group by
        signal_events.definition_id,
        signal_events.signal_id,
        signal_events.event_name

    union all

    select
        page_filters.check_type,
        page_filters.definition_id,
        page_filters.signal_id,
        {{ dbt.cast('null', dbt.type_string()) }} as milestone_id,
        page_filters.configured_value,
        coalesce(sum(page_counts.event_count), 0) as matching_event_count
    from page_filters
    left join page_counts
        on
            case
                when page_filters.check_type = 'page_host'
                    then page_filters.configured_value = page_counts.page_host
                else
                    page_filters.configured_value
                    = substring(page_counts.page_path, 1, length(page_filters.configured_value))
            end
    group by
        page_filters.check_type,
        page_filters.definition_id,
        page_filters.signal_id,
        page_filters.configured_value

    union all

    select
        'signal' as check_type,
        definition_id,
        signal_id,
        {{ dbt.cast('null', dbt.type_string()) }} as milestone_id,
        {{ dbt.cast('null', dbt.type_string()) }} as configured_value,
        event_count as matching_event_count
    from signal_match_counts

    union all

    select
        'definition' as check_type,
        definition_id,
        {{ dbt.cast('null', dbt.type_string()) }} as signal_id,
        {{ dbt.cast('null', dbt.type_string()) }} as milestone_id,
        {{ dbt.cast('null', dbt.type_string()) }} as configured_value,
        sum(event_count) as matching_event_count
    from signal_match_counts
    group by definition_id

    union all

    select
        'milestone_event_name' as check_type,
        {{ dbt.cast('null', dbt.type_string()) }} as definition_id,
        {{ dbt.cast('null', dbt.type_string()) }} as signal_id,
        milestones.milestone_id,
        milestones.event_name as configured_value,
        coalesce(event_name_counts.event_count, 0) as matching_event_count
    from milestones
    left join event_name_counts
        on milestones.event_name = event_name_counts.event_name
),

named as (
    select
        checks.*,
        case when checks.matching_event_count > 0 then 'ok' else 'warn' end as status,
        case
            when checks.check_type = 'milestone_event_name'
                then {{ dbt.concat(["'seeds/activation_milestones.csv milestone '", "checks.milestone_id"]) }}
            when checks.check_type = 'definition'
                then {{ dbt.concat(["'seeds/pql_definitions.csv definition '", "checks.definition_id"]) }}
            else {{ dbt.concat([
                "'seeds/pql_signals.csv definition '", "checks.definition_id",
                "', signal '", "checks.signal_id",
            ]) }}
        end as subject,
        case
            when checks.check_type in ('event_name', 'milestone_event_name')
                then {{ dbt.concat(["'event name '", "checks.configured_value"]) }}
            when checks.check_type = 'page_path_prefix'
                then {{ dbt.concat(["'page path prefix '", "checks.configured_value"]) }}
            when checks.check_type = 'page_host'
                then {{ dbt.concat(["'page host '", "checks.configured_value"]) }}
            when checks.check_type = 'signal' then 'all its filters together'
            else 'its signals'
        end as named_value
    from checks
),

described as (
    select
        *,
        case
            when status = 'ok'
                then {{ dbt.concat([
                    "named_value", "': '", dbt.cast('matching_event_count', dbt.type_string()),
                    "' matching events'",
                ]) }}
            when check_type = 'signal'
                then {{ dbt.concat([
                    "'no event matches all of its filters (event names, property filter, page path, '",
                    "'page host): it can never fire'",
                ]) }}
            when check_type = 'definition'
                then 'none of its signals matches any event: it can never qualify anyone'
            when check_type = 'page_host'
                then {{ dbt.concat([
                    "named_value",
                    "' never occurs on a page view (hosts are stored lower case, without www. or port)'",
                ]) }}
            when check_type = 'page_path_prefix'
                then {{ dbt.concat(["named_value", "' matches no page view'"]) }}
            else {{ dbt.concat([
                "named_value",
                "' never occurs in the clean event stream (names are normalised snake_case: check the spelling)'",
            ]) }}
        end as problem
    from named
),

final as (
    select
        {{ dbt.concat([
            "check_type", "'|'", "coalesce(definition_id, '')", "'|'",
            "coalesce(signal_id, '')", "'|'", "coalesce(milestone_id, '')", "'|'",
            "coalesce(configured_value, '')",
        ]) }} as health_check_id,
        check_type,
        definition_id,
        signal_id,
        milestone_id,
        configured_value,
        {{ dbt.cast('matching_event_count', dbt.type_bigint()) }} as matching_event_count,
        status,
        {{ dbt.concat(["subject", "': '", "problem"]) }} as message
    from described
)

select * from final
