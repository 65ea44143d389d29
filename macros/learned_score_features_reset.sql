{#- The pre-hook of int_learned_score_features on an incremental run: removes the stored rows
    this run must write again, so the model only has to compute the points that have no rows
    (new points, and these). Removed:
      - the rows of points that are no longer points (yesterday's current points, a panel row
        an entity left);
      - for every entity touched since the last run, its rows from the earliest day touched
        (learned_score_features_touched).
    Nothing on a full build. Targets that cannot delete (dbt-spark without Delta) build the
    model as a table, so the hook never runs there. -#}
{% macro learned_score_features_reset() -%}
    {%- if is_incremental() and execute and model.resource_type == 'model' -%}
        delete from {{ this }}
        where
            not exists (
                select 1
                from {{ ref('int_learned_score_points') }} as points
                where
                    points.definition_id = {{ this.identifier }}.definition_id
                    and points.entity_id = {{ this.identifier }}.entity_id
                    and points.as_of_date = {{ this.identifier }}.as_of_date
            )
            or exists (
                select 1
                from ({{ learned_score_features_touched() }}) as touched
                where
                    touched.entity = {{ this.identifier }}.entity
                    and touched.entity_id = {{ this.identifier }}.entity_id
                    and touched.touched_from_date <= {{ this.identifier }}.as_of_date
            )
    {%- endif -%}
{%- endmacro %}

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
    select
        entity,
        entity_id,
        min(touched_from_date) as touched_from_date
    from (
        select
            'user' as entity,
            user_id as entity_id,
            occurred_date as touched_from_date
        from {{ ref('int_events_resolved') }}
        where user_id is not null and resolved_received_at > {{ since }}

        union all

        select
            'account' as entity,
            account_id as entity_id,
            occurred_date as touched_from_date
        from {{ ref('int_events_resolved') }}
        where account_id is not null and resolved_received_at > {{ since }}

        union all

        select
            'user' as entity,
            user_id as entity_id,
            {{ dbt.cast('received_at', 'date') }} as touched_from_date
        from {{ ref('stg_cdp__identifies') }}
        where user_id is not null and received_at > {{ since }}

        union all

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
            account_id as entity_id,
            {{ dbt.cast('received_at', 'date') }} as touched_from_date
        from {{ ref('stg_cdp__groups') }}
        where account_id is not null and received_at > {{ since }}

        union all

        select
            'account' as entity,
            entity_id,
            min(as_of_date) as touched_from_date
        from (
            (
                select
                    stored.definition_id,
                    stored.entity_id,
                    stored.as_of_date,
                    stored.feature_name,
                    stored.feature_value
                from {{ this }} as stored
                where stored.entity = 'account' and stored.feature_name like 'team:%'

                except

                select * from ({{ learned_score_team_feature_values() }}) as current_team
            )

            union all

            (
                select * from ({{ learned_score_team_feature_values() }}) as current_team

                except

                select
                    stored.definition_id,
                    stored.entity_id,
                    stored.as_of_date,
                    stored.feature_name,
                    stored.feature_value
                from {{ this }} as stored
                where stored.entity = 'account' and stored.feature_name like 'team:%'
            )
        ) as team_differences
        group by entity_id
    ) as touched
    group by
        entity,
        entity_id
{%- endmacro %}

{#- The team:* feature values int_account_team_expansion gives now for the stored account
    points of int_learned_score_features (as the model writes them: non-zero, as doubles). -#}
{% macro learned_score_team_feature_values() -%}
    {%- set team_columns = ['invites_sent_count', 'invites_accepted_count', 'seat_count'] -%}
    {%- for window_days in validated_var('pql_usage_windows') -%}
        {%- do team_columns.append('seat_growth_' ~ window_days ~ 'd') -%}
    {%- endfor -%}
    {%- for column in team_columns %}
        select
            stored_points.definition_id,
            stored_points.entity_id,
            stored_points.as_of_date,
            'team:{{ column }}' as feature_name,
            cast(team.{{ column }} as {{ type_double() }}) as feature_value
        from (
            select distinct
                definition_id,
                entity_id,
                as_of_date
            from {{ this }}
            where entity = 'account'
        ) as stored_points
        inner join {{ ref('int_account_team_expansion') }} as team
            on
                stored_points.entity_id = team.account_id
                and stored_points.as_of_date = team.as_of_date
        where team.{{ column }} != 0
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
