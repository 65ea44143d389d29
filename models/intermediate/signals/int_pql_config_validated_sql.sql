{#- The SQL twin of int_pql_config_validated_py: the same rows from the trimmed seed text. It
    runs after the guards on int_pql_config_rows_parsed, so the values it casts are valid.
    event_names is split into one row per name: one union branch per position, as many as the
    longest list has names (read from the parsed rows before the model runs). -#}
{%- set without_pipes = dbt.replace('event_names', "'|'", "''") -%}
{%- set parts_of = dbt.length('event_names') ~ ' - ' ~ dbt.length(without_pipes) ~ ' + 1' -%}
{%- set most_event_names = namespace(count=1) -%}
{%- if execute -%}
    {%- set parsed = load_relation(ref('int_pql_config_rows_parsed')) -%}
    {%- if parsed is not none -%}
        {%- set counted = run_query('select max(' ~ parts_of ~ ') from ' ~ parsed).columns[0].values()[0] -%}
        {%- set most_event_names.count = (counted or 1) | int -%}
    {%- endif -%}
{%- endif -%}

with rows_parsed as (
    select * from {{ ref('int_pql_config_rows_parsed') }}
),

signal_rows as (
    select * from rows_parsed
    where has_definition_row and has_signal_row
),

versions as (
    select
        definition_id,
        {%- set signals_md5 = sorted_string_agg('signal_fields_md5', "','") %}
        substring({{ dbt.hash(dbt.concat(['definition_fields', "'|'", signals_md5])) }}, 1, 12)
            as definition_version
    from signal_rows
    group by definition_id, definition_fields
),

event_names_split as (
    {%- for position in range(1, most_event_names.count + 1) %}
        select
            definition_id,
            signal_id,
            {{ clean_text(dbt.split_part('event_names', "'|'", position)) }} as event_name
        from signal_rows
        where {{ parts_of }} >= {{ position }}
        {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        {{ dbt.concat([
            'signal_rows.definition_id', "'|'", 'signal_rows.signal_id', "'|'", 'event_names_split.event_name'
        ]) }} as signal_event_key,
        signal_rows.definition_id,
        versions.definition_version,
        signal_rows.entity,
        signal_rows.motion,
        cast(signal_rows.score_threshold as {{ type_double() }}) as score_threshold,
        coalesce({{ dbt.replace('signal_rows.required_signals', "' '", "''") }}, '') as required_signals,
        cast(signal_rows.min_fit_score as {{ type_double() }}) as min_fit_score,
        coalesce(
            cast(signal_rows.min_days_before_demotion as {{ dbt.type_bigint() }}),
            cast({{ var('pql_min_days_before_demotion') }} as {{ dbt.type_bigint() }})
        ) as min_days_before_demotion,
        coalesce(
            cast(signal_rows.cooldown_days as {{ dbt.type_bigint() }}),
            cast({{ var('pql_requalify_cooldown_days') }} as {{ dbt.type_bigint() }})
        ) as cooldown_days,
        event_names_split.event_name,
        {{ clean_text(dbt.split_part('signal_rows.property_filter', "'='", 1)) }} as property_filter_key,
        {{ clean_text(dbt.split_part('signal_rows.property_filter', "'='", 2)) }} as property_filter_value,
        signal_rows.signal_id,
        signal_rows.category,
        signal_rows.page_path_prefix,
        signal_rows.page_host,
        signal_rows.aggregation,
        signal_rows.property_key,
        cast(signal_rows.window_days as {{ dbt.type_bigint() }}) as window_days,
        cast(signal_rows.threshold as {{ type_double() }}) as threshold,
        cast(signal_rows.threshold_max as {{ type_double() }}) as threshold_max,
        cast(signal_rows.weight as {{ type_double() }}) as weight,
        coalesce(signal_rows.disqualifies = 'true', false) as disqualifies,
        coalesce(cast(signal_rows.lifespan_days as {{ dbt.type_bigint() }}), 0) as lifespan_days,
        signal_rows.reason_template
    from signal_rows
    inner join versions
        on signal_rows.definition_id = versions.definition_id
    inner join event_names_split
        on
            signal_rows.definition_id = event_names_split.definition_id
            and signal_rows.signal_id = event_names_split.signal_id
)

select * from final
