{#- dbt-spark's seed insert, with each value written as a Spark SQL literal instead of a
    binding: the session method pastes bindings into the SQL unquoted, so a value with an
    apostrophe broke the statement and an empty cell became the text 'None'. Here an empty cell
    is null, text is quoted with Spark's escapes (backslash and quote), numbers and booleans are
    literals, and every value is cast to its column's type (spark_data_type). -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
        {%- do types.append(spark_data_type(column_override.get(col_name, inferred_type))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    {%- if value is none -%}
                        {%- set literal = 'null' -%}
                    {%- elif value is sameas true or value is sameas false -%}
                        {%- set literal = (value | string).lower() -%}
                    {%- elif value is number -%}
                        {%- set literal = value | string -%}
                    {%- else -%}
                        {%- set literal = "'" ~ (value | string).replace('\\', '\\\\').replace("'", "\\'") ~ "'" -%}
                    {%- endif -%}
                    cast({{ literal }} as {{ types[loop.index0] }})
                    {%- if not loop.last -%}, {% endif -%}
                {%- endfor -%}
                ){%- if not loop.last -%}, {% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}
