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
