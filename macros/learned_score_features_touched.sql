{#- One row per entity (entity, entity_id) whose features may have changed since the last run
    of int_learned_score_features, with the earliest as-of date that may have changed
    (touched_from_date). "Since the last run" is the start of the latest stored as-of date (the
    data's as-of date of that run: the day its latest event was loaded), less var
    pql_lookback_days: every row loaded after that run is loaded after it, and a row committed
    late within the lookback is still seen.
      - events resolved since (new, late, stitched by a late identify, attributed by a late
        link): their user and their account, from the earliest day one of them occurred (an
        event counts from its available date, never before it occurred); this covers the
        signals, usage windows, milestones, invitations and recency;
      - identifies loaded since: their user, from the earliest day loaded (fit traits); a user
        who sent an email may have changed their internal flag, which decides whether their
        events count for their accounts: those accounts (int_user_accounts_linked) whole;
      - group calls loaded since: their account, from the earliest day loaded (fit traits);
      - accounts whose stored team:* features differ from int_account_team_expansion on a stored
        point (a seat's link or persona changed, which no event shows), from the earliest such
        point. -#}
{% macro learned_score_features_touched() -%}
    {%- set lookback_days = var('pql_lookback_days') | int -%}
    {%- set last_as_of = run_query("select max(as_of_date) from " ~ this).columns[0].values()[0] -%}
    {%- set beginning = dbt.cast("'1900-01-01'", 'date') -%}
    {%- if last_as_of is none -%}
        {%- set since = dbt.cast("'1900-01-01'", dbt.type_timestamp()) -%}
    {%- else -%}
        {%- set since = dbt.dateadd(
            'day', -1 * lookback_days, dbt.cast("'" ~ last_as_of ~ "'", dbt.type_timestamp())
        ) -%}
    {%- endif -%}
    {%- set stored_team -%}
        select
            stored.definition_id,
            stored.entity_id,
            stored.as_of_date,
            stored.feature_name,
            stored.feature_value
        from {{ this }} as stored
        where stored.entity = 'account' and stored.feature_name like 'team:%'
    {%- endset %}
    select
        entity,
        entity_id,
        min(touched_from_date) as touched_from_date
    from (
        {%- for entity, column in [('user', 'user_id'), ('account', 'account_id')] %}
            select
                '{{ entity }}' as entity,
                {{ column }} as entity_id,
                occurred_date as touched_from_date
            from {{ ref('int_events_resolved') }}
            where {{ column }} is not null and resolved_received_at > {{ since }}

            union all

            {#- fit traits: identifies for users, group calls for accounts #}
            select
                '{{ entity }}' as entity,
                {{ column }} as entity_id,
                {{ dbt.cast('received_at', 'date') }} as touched_from_date
            from {{ ref('stg_cdp__identifies' if entity == 'user' else 'stg_cdp__groups') }}
            where {{ column }} is not null and received_at > {{ since }}

            union all
        {%- endfor %}

        select
            'account' as entity,
            links.account_id as entity_id,
            {{ beginning }} as touched_from_date
        from {{ ref('int_user_accounts_linked') }} as links
        inner join {{ ref('stg_cdp__identifies') }} as identifies
            on links.user_id = identifies.user_id
        where identifies.email is not null and identifies.received_at > {{ since }}

        union all

        select
            'account' as entity,
            entity_id,
            min(as_of_date) as touched_from_date
        from (
            (
                {{ stored_team }}

                except

                select * from ({{ learned_score_team_feature_values() }}) as current_team
            )

            union all

            (
                select * from ({{ learned_score_team_feature_values() }}) as current_team

                except

                {{ stored_team }}
            )
        ) as team_differences
        group by entity_id
    ) as touched
    group by
        entity,
        entity_id
{%- endmacro %}
