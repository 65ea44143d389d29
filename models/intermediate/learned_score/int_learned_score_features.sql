-- depends_on: {{ ref('int_user_accounts_linked') }}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=["{{ pql_engine_config_reset() }}", "{{ learned_score_features_reset() }}"],
    )
}}
{#- The learned score's features, point in time: for every entity-date of
    int_learned_score_points, each value known on that date (one row per feature, so every
    definition keeps its own signals; a feature absent for a date is 0).

    feature_name says where a value comes from:
      signal:<signal_id>       the definition's configured signal, valued as the engine does
                               (count, active_days, distinct_*, sum, max, avg, count_growth,
                               first_time) over its window; count_growth has no value while
                               the previous window is empty
      usage:<column>           the entity's rolling usage windows (int_usage_windows)
      team:<column>            account team expansion: invitations, seats, seat growth
      milestone:<milestone_id> 1 when the activation milestone was reached and known
      fit:<attribute>[=value]  firmographic / demographic attributes from the latest identify
                               (users) or group call (accounts) loaded by the date
      recency:<measure>        days since the entity's first and latest known activity

    Point in time: every value uses only rows known by as_of_date (an event from its
    available date, the later of the day it happened and the day it was loaded or stitched; a
    trait from the day its message was loaded), so a build from data truncated at a date gives
    the same features for that date.

    Incremental (docs/learned_score.md, "Incremental features"): the pre-hooks remove the rows
    of points that are gone, of every entity touched since the last run from its earliest
    touched day (macro learned_score_features_touched), and every row when the configuration
    changed (config_hash); the run then computes the points that have no rows and appends them.
    On dbt-spark (no delete) it is a table. -#}
{%- set windows = validated_var('pql_usage_windows') -%}
{#- an item inside the signal's own window on the date (not only the previous one) -#}
{%- set in_window = dbt.dateadd('day', 'signal_settings.window_days', 'contributions.occurred_date')
    ~ ' > entity_dates.as_of_date' -%}
{#- count_growth's divisor: the previous window's events; null (no value) when there are none -#}
{%- set previous_window_count = 'nullif(sum(case when ' ~ in_window
    ~ ' then 0 else contributions.event_count end), 0)' -%}
{%- set user_usage_columns = [] -%}
{%- set account_usage_columns = [] -%}
{%- set team_columns = ['invites_sent_count', 'invites_accepted_count', 'seat_count'] -%}
{%- for window_days in windows -%}
    {%- for measure in ['event_count', 'active_day_count', 'distinct_feature_count', 'page_view_count'] -%}
        {%- do user_usage_columns.append(measure ~ '_' ~ window_days ~ 'd') -%}
    {%- endfor -%}
    {%- for measure in ['event_count', 'active_day_count', 'distinct_feature_count', 'active_seat_count'] -%}
        {%- do account_usage_columns.append(measure ~ '_' ~ window_days ~ 'd') -%}
    {%- endfor -%}
    {%- do team_columns.append('seat_growth_' ~ window_days ~ 'd') -%}
{%- endfor -%}
with

points as (
    select * from {{ ref('int_learned_score_points') }}
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

contributions as (
    select * from {{ ref('int_signal_contributions_daily') }}
),

usage_windows as (
    select * from {{ ref('int_usage_windows') }}
),

team as (
    select * from {{ ref('int_account_team_expansion') }}
),

milestones_reached as (
    select * from {{ ref('int_milestones_reached') }}
),

identifies as (
    select * from {{ ref('stg_cdp__identifies') }}
),

group_calls as (
    select * from {{ ref('stg_cdp__groups') }}
),

personal_email_domains as (
    select * from {{ ref('personal_email_domains') }}
),

events as (
    select * from {{ ref('int_events_resolved') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

config_version as (
    {{ pql_engine_config_hash_query() }}
),

entity_dates as (
    {#- a date scored twice (a panel week ending on the data's as-of date) is valued once; on
        an incremental run only the points with no stored rows -#}
    select distinct
        points.definition_id,
        points.entity,
        points.entity_id,
        points.as_of_date
    from points
    {% if is_incremental() -%}
        where not exists (
            select 1
            from {{ this }} as stored
            where
                stored.definition_id = points.definition_id
                and stored.entity_id = points.entity_id
                and stored.as_of_date = points.as_of_date
        )
    {%- endif %}
),

{% if is_incremental() -%}
    batch_entities as (
        select distinct
            entity,
            entity_id
        from entity_dates
    ),
{%- endif %}

signal_settings as (
    select distinct
        definition_id,
        signal_id,
        aggregation,
        window_days
    from config
),

signal_values as (
    {#- as the threshold engine values a signal: an item counts from its available date until
        window_days after it occurred (first_time: for good; count_growth: the previous
        window's items until 2 x window_days after, as the divisor) -#}
    select
        entity_dates.definition_id,
        entity_dates.entity,
        entity_dates.entity_id,
        entity_dates.as_of_date,
        'signal:' || signal_settings.signal_id as feature_name,
        case
            when signal_settings.aggregation = 'count' then sum(contributions.event_count)
            when signal_settings.aggregation = 'sum' then sum(contributions.property_sum)
            when signal_settings.aggregation = 'max' then max(contributions.property_max)
            when signal_settings.aggregation = 'avg'
                then sum(contributions.property_sum) / sum(contributions.event_count)
            when signal_settings.aggregation = 'count_growth'
                then
                    sum(case when {{ in_window }} then contributions.event_count else 0 end)
                    / {{ dbt.cast(previous_window_count, type_double()) }}
            when signal_settings.aggregation = 'active_days'
                then count(distinct contributions.occurred_date)
            when signal_settings.aggregation = 'first_time' then 1
            else count(distinct contributions.distinct_key)
        end as feature_value
    from entity_dates
    inner join contributions
        on
            entity_dates.definition_id = contributions.definition_id
            and entity_dates.entity_id = contributions.entity_id
            and entity_dates.as_of_date >= contributions.available_date
    inner join signal_settings
        on
            contributions.definition_id = signal_settings.definition_id
            and contributions.signal_id = signal_settings.signal_id
    where
        signal_settings.window_days is null
        or {{ dbt.dateadd(
            'day',
            "signal_settings.window_days * case when signal_settings.aggregation = 'count_growth' then 2 else 1 end",
            'contributions.occurred_date',
        ) }}
        > entity_dates.as_of_date
    group by
        entity_dates.definition_id,
        entity_dates.entity,
        entity_dates.entity_id,
        entity_dates.as_of_date,
        signal_settings.signal_id,
        signal_settings.aggregation
),

user_usage_on_date as (
    select
        entity_dates.*,
        {% for column in user_usage_columns %}
            user_usage.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from entity_dates
    inner join usage_windows as user_usage
        on
            entity_dates.entity = user_usage.entity
            and entity_dates.entity_id = user_usage.entity_id
            and entity_dates.as_of_date = user_usage.as_of_date
    where entity_dates.entity = 'user'
),

account_usage_on_date as (
    select
        entity_dates.*,
        {% for column in account_usage_columns %}
            account_usage.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from entity_dates
    inner join usage_windows as account_usage
        on
            entity_dates.entity = account_usage.entity
            and entity_dates.entity_id = account_usage.entity_id
            and entity_dates.as_of_date = account_usage.as_of_date
    where entity_dates.entity = 'account'
),

team_on_date as (
    select
        entity_dates.*,
        {% for column in team_columns %}
            team.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from entity_dates
    inner join team
        on
            entity_dates.entity_id = team.account_id
            and entity_dates.as_of_date = team.as_of_date
    where entity_dates.entity = 'account'
),

measured_values as (
    {%- set sources = [
        ('user_usage_on_date', 'usage', user_usage_columns),
        ('account_usage_on_date', 'usage', account_usage_columns),
        ('team_on_date', 'team', team_columns),
    ] %}
    {%- for relation, prefix, columns in sources %}
        {%- set outer_loop = loop %}
        {%- for column in columns %}
            select
                definition_id,
                entity,
                entity_id,
                as_of_date,
                '{{ prefix }}:{{ column }}' as feature_name,
                {{ column }} as feature_value
            from {{ relation }}
            where {{ column }} != 0
            {% if not (outer_loop.last and loop.last) %}union all{% endif %}
        {%- endfor %}
    {%- endfor %}
),

milestone_values as (
    select
        entity_dates.definition_id,
        entity_dates.entity,
        entity_dates.entity_id,
        entity_dates.as_of_date,
        'milestone:' || milestones_reached.milestone_id as feature_name,
        1 as feature_value
    from entity_dates
    inner join milestones_reached
        on
            entity_dates.entity = milestones_reached.entity
            and entity_dates.entity_id = milestones_reached.entity_id
            and entity_dates.as_of_date >= milestones_reached.known_date
),

user_emails_known as (
    {#- the latest email each user identified with, among messages loaded by the date -#}
    select * from (
        select
            entity_dates.definition_id,
            entity_dates.entity,
            entity_dates.entity_id,
            entity_dates.as_of_date,
            identifies.email_domain,
            row_number() over (
                partition by
                    entity_dates.definition_id, entity_dates.entity_id, entity_dates.as_of_date
                order by
                    identifies.received_at desc,
                    identifies.occurred_at desc,
                    identifies.message_id desc
            ) as recency_rank
        from entity_dates
        inner join identifies
            on
                entity_dates.entity_id = identifies.user_id
                and {{ dbt.cast('identifies.received_at', 'date') }} <= entity_dates.as_of_date
        where entity_dates.entity = 'user' and identifies.email is not null
    ) as ranked
    where recency_rank = 1
),

user_traits_known as (
    {#- the latest traits each user identified with, among messages loaded by the date -#}
    select * from (
        select
            entity_dates.definition_id,
            entity_dates.entity,
            entity_dates.entity_id,
            entity_dates.as_of_date,
            identifies.persona,
            identifies.signup_source,
            row_number() over (
                partition by
                    entity_dates.definition_id, entity_dates.entity_id, entity_dates.as_of_date
                order by
                    identifies.received_at desc,
                    identifies.occurred_at desc,
                    identifies.message_id desc
            ) as recency_rank
        from entity_dates
        inner join identifies
            on
                entity_dates.entity_id = identifies.user_id
                and {{ dbt.cast('identifies.received_at', 'date') }} <= entity_dates.as_of_date
        where
            entity_dates.entity = 'user'
            and identifies.traits_json is not null
            and not identifies.is_traits_malformed
    ) as ranked
    where recency_rank = 1
),

account_traits_known as (
    {#- the latest traits each account was sent with, among group calls loaded by the date -#}
    select * from (
        select
            entity_dates.definition_id,
            entity_dates.entity,
            entity_dates.entity_id,
            entity_dates.as_of_date,
            group_calls.employee_count,
            group_calls.industry,
            row_number() over (
                partition by
                    entity_dates.definition_id, entity_dates.entity_id, entity_dates.as_of_date
                order by
                    group_calls.received_at desc,
                    group_calls.occurred_at desc,
                    group_calls.message_id desc
            ) as recency_rank
        from entity_dates
        inner join group_calls
            on
                entity_dates.entity_id = group_calls.account_id
                and {{ dbt.cast('group_calls.received_at', 'date') }} <= entity_dates.as_of_date
        where
            entity_dates.entity = 'account'
            and group_calls.traits_json is not null
            and not group_calls.is_traits_malformed
    ) as ranked
    where recency_rank = 1
),

fit_values as (
    select
        user_emails_known.definition_id,
        user_emails_known.entity,
        user_emails_known.entity_id,
        user_emails_known.as_of_date,
        'fit:work_email' as feature_name,
        1 as feature_value
    from user_emails_known
    left join personal_email_domains
        on user_emails_known.email_domain = personal_email_domains.email_domain
    where user_emails_known.email_domain is not null and personal_email_domains.email_domain is null

    union all

    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'fit:persona=' || lower(persona) as feature_name,
        1 as feature_value
    from user_traits_known
    where persona is not null

    union all

    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'fit:signup_source=' || lower(signup_source) as feature_name,
        1 as feature_value
    from user_traits_known
    where signup_source is not null

    union all

    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'fit:employee_count' as feature_name,
        employee_count as feature_value
    from account_traits_known
    where employee_count is not null

    union all

    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'fit:industry=' || lower(industry) as feature_name,
        1 as feature_value
    from account_traits_known
    where industry is not null
),

activity_days as (
    {#- each day an entity was active, known from the first day one of its events was known;
        internal users' events never count for an account -#}
    select
        'user' as entity,
        events.user_id as entity_id,
        events.occurred_date,
        min(greatest(events.occurred_date, {{ dbt.cast('events.resolved_received_at', 'date') }}))
            as available_date
    from events
    where
        events.user_id is not null
    {% if is_incremental() %}
        and exists (
            select 1 from batch_entities
            where batch_entities.entity = 'user' and batch_entities.entity_id = events.user_id
        )
    {% endif %}
    group by
        events.user_id,
        events.occurred_date

    union all

    select
        'account' as entity,
        events.account_id as entity_id,
        events.occurred_date,
        min(greatest(events.occurred_date, {{ dbt.cast('events.resolved_received_at', 'date') }}))
            as available_date
    from events
    left join users
        on events.user_id = users.user_id
    where
        events.account_id is not null
        and not coalesce(users.is_internal, false)
    {% if is_incremental() %}
        and exists (
            select 1 from batch_entities
            where batch_entities.entity = 'account' and batch_entities.entity_id = events.account_id
        )
    {% endif %}
    group by
        events.account_id,
        events.occurred_date
),

activity_known as (
    select
        entity_dates.definition_id,
        entity_dates.entity,
        entity_dates.entity_id,
        entity_dates.as_of_date,
        min(activity_days.occurred_date) as first_active_date,
        max(activity_days.occurred_date) as last_active_date
    from entity_dates
    inner join activity_days
        on
            entity_dates.entity = activity_days.entity
            and entity_dates.entity_id = activity_days.entity_id
            and entity_dates.as_of_date >= activity_days.available_date
    group by
        entity_dates.definition_id,
        entity_dates.entity,
        entity_dates.entity_id,
        entity_dates.as_of_date
),

recency_values as (
    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'recency:days_since_first_activity' as feature_name,
        {{ dbt.datediff('first_active_date', 'as_of_date', 'day') }}
            as feature_value
    from activity_known

    union all

    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'recency:days_since_last_activity' as feature_name,
        {{ dbt.datediff('last_active_date', 'as_of_date', 'day') }}
            as feature_value
    from activity_known

    union all

    select
        definition_id,
        entity,
        entity_id,
        as_of_date,
        'recency:has_activity' as feature_name,
        1 as feature_value
    from activity_known
),

all_values as (
    select * from signal_values
    union all
    select * from measured_values
    union all
    select * from milestone_values
    union all
    select * from fit_values
    union all
    select * from recency_values
),

final as (
    select
        all_values.definition_id,
        all_values.entity,
        all_values.entity_id,
        all_values.as_of_date,
        all_values.feature_name,
        cast(all_values.feature_value as {{ type_double() }}) as feature_value,
        config_version.config_hash
    from all_values
    cross join config_version
    where all_values.feature_value is not null
)

select * from final
