{#- The two PQL seeds as trimmed text, joined on definition_id, with the pieces of
    definition_version (see int_pql_config_validated_py.definition_version). Which columns the
    seed tables really have is read from the warehouse: a header column the validator does not
    know fails here, and page_host (added later) may be absent. -#}
{%- set seeds = pql_config_seed_columns() -%}
{%- set present = {
    'pql_definitions': seeds['pql_definitions']['columns'],
    'pql_signals': seeds['pql_signals']['columns'],
} -%}
{%- if execute -%}
    {%- set problems = [] -%}
    {#- A seed not loaded yet (dbt compile or docs on a fresh target) is not checked. -#}
    {%- set relations = [('pql_definitions', ref('pql_definitions')), ('pql_signals', ref('pql_signals'))] -%}
    {%- for seed, relation in relations if load_relation(relation) is not none -%}
        {%- set spec = seeds[seed] -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- for name in names if name not in spec['columns'] -%}
            {%- do problems.append(spec['file'] ~ ' line 1 (header), column ' ~ name ~ ': unknown column; the columns are ' ~ spec['columns'] | join(', ')) -%}
        {%- endfor -%}
        {%- for name in spec['columns'] if name not in names and name not in spec['later'] -%}
            {%- do problems.append(spec['file'] ~ ' line 1 (header), column ' ~ name ~ ': is missing') -%}
        {%- endfor -%}
        {%- do present.update({seed: names}) -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error("invalid PQL configuration:\n  " ~ problems | join('\n  ')) }}
    {%- endif -%}
{%- endif -%}

{#- `column=md5(value);` per column in name order; an empty `later` column is left out. -#}
{%- set fields = {} -%}
{%- for seed, alias in [('pql_definitions', 'definitions'), ('pql_signals', 'signals')] -%}
    {%- set parts = [] -%}
    {%- for name in present[seed] | sort -%}
        {%- set text = clean_text(alias ~ '.' ~ name) -%}
        {%- set field = dbt.concat(["'" ~ name ~ "='", dbt.hash("coalesce(" ~ text ~ ", '')"), "';'"]) -%}
        {%- if name in seeds[seed]['later'] -%}
            {%- do parts.append("case when " ~ text ~ " is null then '' else " ~ field ~ " end") -%}
        {%- else -%}
            {%- do parts.append(field) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do fields.update({seed: dbt.concat(parts)}) -%}
{%- endfor %}

with definitions as (
    select * from {{ ref('pql_definitions') }}
),

signals as (
    select * from {{ ref('pql_signals') }}
),

definitions_trimmed as (
    select
        {%- for name in seeds['pql_definitions']['columns'] %}
            {{ clean_text('definitions.' ~ name) }} as {{ name }},
        {%- endfor %}
        {{ fields['pql_definitions'] }} as definition_fields
    from definitions
),

signals_trimmed as (
    select
        {%- for name in seeds['pql_signals']['columns'] %}
            {%- if name in present['pql_signals'] %}
                {{ clean_text('signals.' ~ name) }} as {{ name }},
            {%- else %}
                {{ dbt.cast('null', dbt.type_string()) }} as {{ name }},
            {%- endif %}
        {%- endfor %}
        {{ dbt.hash(fields['pql_signals']) }} as signal_fields_md5
    from signals
),

final as (
    select
        coalesce(definitions_trimmed.definition_id, signals_trimmed.definition_id) as definition_id,
        definitions_trimmed.definition_fields is not null as has_definition_row,
        signals_trimmed.signal_fields_md5 is not null as has_signal_row,
        {%- for name in seeds['pql_definitions']['columns'] if name != 'definition_id' %}
            definitions_trimmed.{{ name }},
        {%- endfor %}
        {%- for name in seeds['pql_signals']['columns'] if name != 'definition_id' %}
            signals_trimmed.{{ name }},
        {%- endfor %}
        definitions_trimmed.definition_fields,
        signals_trimmed.signal_fields_md5
    from definitions_trimmed
    full outer join signals_trimmed
        on definitions_trimmed.definition_id = signals_trimmed.definition_id
)

select * from final
