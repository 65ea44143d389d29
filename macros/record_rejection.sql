{#- Why a raw CRM or billing row cannot be used (docs/bad_input.md, "Data"): three columns,
    `rejection_reason`, `rejected_column` and `rejected_value` (the value as sent, as text),
    null when the row is usable. `checks` is a list of [column, type, role] in priority order;
    the first failing check names the row's reason:
      role 'key'       null or blank                          -> missing_id
      role 'required'  null or blank                          -> missing_required_value
      any role         set but not readable as `type`         -> unparseable_number /
                                                                 unparseable_flag /
                                                                 unparseable_timestamp
      timestamps       before var pql_min_record_date, or more
                       than var pql_max_record_future_days
                       days after the run                     -> implausible_date
      role 'key'       another otherwise usable row has the
                       same id and comes first in
                       `keep_first_by` order                  -> duplicate_id
                       (only when `keep_first_by` is given: raw columns, compared as text,
                       ascending, nulls last, so the same copy is kept on every run)
    Values are read with raw_column(), the same parsing as the staging columns. -#}
{% macro record_rejection(raw, checks, keep_first_by=none) -%}
    {#- Both vars are checked against macros/vars/pql_var_rules.sql. -#}
    {%- set min_date = validated_var('pql_min_record_date') -%}
    {%- set future_days = validated_var('pql_max_record_future_days') -%}
    {%- set unparseable = {'numeric': 'unparseable_number', 'integer': 'unparseable_number',
        'boolean': 'unparseable_flag', 'timestamp': 'unparseable_timestamp'} -%}
    {%- set latest = dbt.dateadd('day', future_days, dbt.cast(dbt.current_timestamp(), dbt.type_timestamp())) -%}
    {%- set whens = [] -%}
    {%- for column, type, role in checks -%}
        {%- set as_sent = 'nullif(trim(' ~ raw_column(raw, column, 'text', required=false) ~ "), '')" -%}
        {%- if role in ('key', 'required') -%}
            {%- do whens.append((as_sent ~ ' is null', 'missing_id' if role == 'key' else 'missing_required_value', column, 'null')) -%}
        {%- endif -%}
        {%- if type in unparseable -%}
            {%- set parsed = raw_column(raw, column, type, required=false) -%}
            {%- do whens.append((as_sent ~ ' is not null and ' ~ parsed ~ ' is null', unparseable[type], column, as_sent)) -%}
            {%- if type == 'timestamp' -%}
                {%- do whens.append((parsed ~ " < cast('" ~ min_date ~ "' as " ~ dbt.type_timestamp() ~ ') or '
                    ~ parsed ~ ' > ' ~ latest, 'implausible_date', column, as_sent)) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if keep_first_by -%}
        {#- Copies of one id are numbered among the rows no other check rejects. -#}
        {%- set key = (checks | selectattr(2, 'equalto', 'key') | first)[0] -%}
        {%- set key_as_sent = 'nullif(trim(' ~ raw_column(raw, key, 'text', required=false) ~ "), '')" -%}
        {%- set other_failed = ['case'] -%}
        {%- for check in whens -%}
            {%- do other_failed.append('when ' ~ check[0] ~ ' then 1') -%}
        {%- endfor -%}
        {%- do other_failed.append('else 0 end') -%}
        {%- set order = [] -%}
        {%- for column in keep_first_by -%}
            {%- do order.append(raw_column(raw, column, 'text', required=false) ~ ' asc nulls last') -%}
        {%- endfor -%}
        {%- do whens.append(('row_number() over (partition by ' ~ key_as_sent ~ ', '
            ~ other_failed | join(' ') ~ ' order by ' ~ order | join(', ') ~ ') > 1',
            'duplicate_id', key, key_as_sent)) -%}
    {%- endif -%}
    {%- for output, index in [('rejection_reason', 1), ('rejected_column', 2), ('rejected_value', 3)] %}
    case
        {%- for check in whens %}
        when {{ check[0] }} then {{ check[index] if index == 3 else "'" ~ check[index] ~ "'" }}
        {%- endfor %}
    end as {{ output }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
