{#- One raw column as the wanted type, parsed according to its type in the warehouse (see
    raw_table()). `type` is one of:
      timestamp  UTC timestamp without time zone: TIMESTAMPTZ converted to UTC, TIMESTAMP /
                 DATETIME taken as UTC, DATE at midnight, text through parse_utc_timestamp
      date       the same, then cast to a date
      boolean    BOOLEAN as is; numbers 1 / 0; text through parse_boolean
      numeric    numbers safely cast to dbt.type_numeric() (NaN, infinities and values beyond
                 the type's range are null); text through parse_number (money forms such as
                 `$49` and `1,000.00` read, other text null)
      integer    the same, to dbt.type_int()
      text       text as is; JSON through json_to_text; any other type cast to text
      json       JSON text or a JSON-typed column, as JSON text
    `fallbacks` name further columns read when the column is absent (or null), e.g. pages'
    context_page_url for url. When none of them exists, an optional column (required=false)
    is a typed null and a required one fails naming the table and column. A type the wanted
    type cannot be read from (a number for a timestamp) fails naming table, column and type. -#}
{% macro raw_column(raw, column, type, required=true, fallbacks=[]) -%}
    {%- set wanted = {
        'timestamp': dbt.type_timestamp(),
        'date': 'date',
        'boolean': dbt.type_boolean(),
        'numeric': dbt.type_numeric(),
        'integer': dbt.type_int(),
        'text': dbt.type_string(),
        'json': dbt.type_string(),
    } -%}
    {%- if type not in wanted -%}
        {{ exceptions.raise_compiler_error("raw_column: unknown type '" ~ type ~ "' for column " ~ column
            ~ "; expected one of " ~ wanted.keys() | join(', ')) }}
    {%- endif -%}
    {%- if raw.columns is none -%}
        {#- parsing: no types known yet -#}
        {{ return(adapter.quote(column)) }}
    {%- endif -%}
    {%- set expressions = [] -%}
    {%- set columns = raw.columns -%}
    {%- if raw.get('assume_text') -%}
        {%- set columns = {column | lower: api.Column(column, dbt.type_string())} -%}
    {%- endif -%}
    {%- for name in [column] + fallbacks if name | lower in columns -%}
        {%- set col = columns[name | lower] -%}
        {%- set family = raw_type_family(col.data_type) -%}
        {%- set quoted = adapter.quote(col.name) -%}
        {%- set expression = none -%}
        {%- if type in ('timestamp', 'date') -%}
            {%- if family == 'timestamptz' -%}
                {%- set expression = timestamptz_to_utc(quoted) -%}
            {%- elif family in ('timestamp', 'date') -%}
                {%- set expression = 'cast(' ~ quoted ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
            {%- elif family == 'text' -%}
                {%- set expression = parse_utc_timestamp(quoted) -%}
            {%- endif -%}
            {%- if expression is not none and type == 'date' -%}
                {%- set expression = 'cast(' ~ expression ~ ' as date)' -%}
            {%- endif -%}
        {%- elif type == 'boolean' -%}
            {%- if family == 'boolean' -%}
                {%- set expression = quoted -%}
            {%- elif family == 'number' -%}
                {%- set expression = 'case ' ~ quoted ~ ' when 1 then true when 0 then false end' -%}
            {%- elif family == 'text' -%}
                {%- set expression = parse_boolean(quoted) -%}
            {%- endif -%}
        {%- elif type in ('numeric', 'integer') -%}
            {%- if family == 'number' -%}
                {%- set expression = dbt.safe_cast(quoted, wanted[type]) -%}
            {%- elif family == 'text' -%}
                {%- set expression = parse_number(quoted, wanted[type]) -%}
            {%- endif -%}
        {%- elif type == 'json' -%}
            {%- if family == 'text' -%}
                {%- set expression = quoted -%}
            {%- elif family in ('json', 'other') -%}
                {%- set expression = json_to_text(quoted) -%}
            {%- endif -%}
        {%- else -%}
            {%- if family == 'text' -%}
                {%- set expression = quoted -%}
            {%- elif family == 'json' -%}
                {%- set expression = json_to_text(quoted) -%}
            {%- else -%}
                {%- set expression = 'cast(' ~ quoted ~ ' as ' ~ wanted[type] ~ ')' -%}
            {%- endif -%}
        {%- endif -%}
        {%- if expression is none -%}
            {{ exceptions.raise_compiler_error(
                "raw table " ~ raw.name ~ ", column " ~ col.name ~ ": type " ~ col.data_type ~ " cannot be read as "
                ~ type ~ " (see docs/raw_contract.md for the accepted types)") }}
        {%- endif -%}
        {%- do expressions.append(expression | trim) -%}
    {%- endfor -%}
    {%- if expressions | length > 1 -%}
        {{ return('coalesce(' ~ expressions | join(', ') ~ ')') }}
    {%- elif expressions -%}
        {{ return(expressions[0]) }}
    {%- elif required and not raw.is_absent -%}
        {{ exceptions.raise_compiler_error(
            "raw table " ~ raw.name ~ ": required column '" ~ column ~ "'"
            ~ (" (or '" ~ fallbacks | join("', '") ~ "')" if fallbacks else "") ~ " is missing"
            ~ "; columns present: " ~ raw.columns.keys() | sort | join(', ')) }}
    {%- else -%}
        {{ return('cast(null as ' ~ wanted[type] ~ ')') }}
    {%- endif -%}
{%- endmacro %}
