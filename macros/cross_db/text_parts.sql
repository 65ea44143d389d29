{#- A select of every row of `relation` with its `text_column` cut at each `delimiter` (one
    character): one row per part, with the part's text (`part_text`, the text between two
    delimiters, without them) and its place (`part_number`, 1 for the text before the first
    delimiter). A text with n delimiters gives n + 1 parts; an empty text one empty part; a
    null text one row whose part is null. An unnest of a split on each engine, so a text of
    any length is cut whole, with no bound on its parts. -#}
{% macro text_parts(relation, text_column, delimiter) -%}
    {%- if delimiter | length != 1 or delimiter in "]^\\'" -%}
        {{ exceptions.raise_compiler_error(
            "text_parts: the delimiter must be one character other than ] ^ \\ ' (got '"
            ~ delimiter ~ "')"
        ) }}
    {%- endif -%}
    {{ return(adapter.dispatch('text_parts', 'pql')(relation, text_column, delimiter)) }}
{%- endmacro %}

{% macro default__text_parts(relation, text_column, delimiter) -%}
    {#- Raise only when executing: parsing renders every model with the default macros. -#}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error("text_parts is not implemented for adapter " ~ adapter.type()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__text_parts(relation, text_column, delimiter) -%}
    select
        text_rows.*,
        parts.part_text,
        cast(parts.part_number as integer) as part_number
    from {{ relation }} as text_rows
    left join lateral unnest(string_split(text_rows.{{ text_column }}, '{{ delimiter }}'))
        with ordinality as parts (part_text, part_number)
        on true
{%- endmacro %}

{% macro postgres__text_parts(relation, text_column, delimiter) -%}
    {#- string_to_array gives no element for an empty text: coalesce keeps its one empty part. -#}
    select
        text_rows.*,
        case
            when text_rows.{{ text_column }} is not null then coalesce(parts.part_text, '')
        end as part_text,
        cast(coalesce(parts.part_number, 1) as integer) as part_number
    from {{ relation }} as text_rows
    left join lateral unnest(string_to_array(text_rows.{{ text_column }}, '{{ delimiter }}'))
        with ordinality as parts (part_text, part_number)
        on true
{%- endmacro %}

{% macro spark__text_parts(relation, text_column, delimiter) -%}
    {#- split takes a regular expression: the delimiter in a character class is taken as
        written; limit -1 keeps trailing empty parts. -#}
    select
        text_rows.*,
        parts.part_text,
        cast(parts.part_index + 1 as int) as part_number
    from {{ relation }} as text_rows
    lateral view outer posexplode(split(text_rows.{{ text_column }}, '[{{ delimiter }}]', -1))
        parts as part_index, part_text
{%- endmacro %}

{% macro snowflake__text_parts(relation, text_column, delimiter) -%}
    select
        text_rows.*,
        cast(parts.value as varchar) as part_text,
        cast(parts.index + 1 as integer) as part_number
    from {{ relation }} as text_rows,
        lateral flatten(input => split(text_rows.{{ text_column }}, '{{ delimiter }}'), outer => true)
            as parts
{%- endmacro %}

{% macro bigquery__text_parts(relation, text_column, delimiter) -%}
    {#- split gives no element for an empty text: coalesce keeps its one empty part. -#}
    select
        text_rows.*,
        case
            when text_rows.{{ text_column }} is not null then coalesce(part_text, '')
        end as part_text,
        coalesce(part_index, 0) + 1 as part_number
    from {{ relation }} as text_rows
    left join unnest(split(text_rows.{{ text_column }}, '{{ delimiter }}')) as part_text
        with offset as part_index
{%- endmacro %}
