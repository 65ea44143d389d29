{#- dbt-spark's seed insert, made faithful to the CSV file.
    dbt hands seeds over as an agate table in which the text `null` and an empty cell are both
    None, and dbt-spark pastes values into the SQL unquoted (an apostrophe broke the statement,
    an empty cell became the text 'None').
    - Session method (Spark in this process, so it can read the project's file): Spark's own CSV
      reader reads the seed file (RFC 4180 quoting, an empty cell is null, the text `null` stays
      text, as dbt-duckdb reads seeds), and each column is cast to its type.
    - Other methods (a remote cluster cannot read the file): each value is written as a Spark
      SQL literal; an empty cell and the text `null` are both null there, as on other adapters.
    Types: the seed YAML's column_types through spark_data_type (`varchar` -> `string`). -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
        {%- do types.append(spark_data_type(column_override.get(col_name, inferred_type))) -%}
    {%- endfor -%}
    {%- set csv_path = agate_table.original_abspath if agate_table.original_abspath is defined else none -%}
    {#- target has no `method` on dbt-spark (not among its connection keys): read the credentials. -#}
    {%- set method = adapter.config.credentials.method | string | lower -%}
    {%- if method in ['session', 'sparkconnectionmethod.session'] and csv_path -%}
        {%- set view = this.identifier ~ '__pql_csv' -%}
        {%- call statement('pql_seed_csv_view') -%}
            create or replace temporary view {{ view }}
            using csv
            options (
                path '{{ csv_path | replace("\\", "\\\\") | replace("'", "\\'") }}',
                header 'true',
                quote '"',
                escape '"',
                multiLine 'true',
                sep '{{ model['config'].get('delimiter', ',') }}',
                mode 'FAILFAST'
            )
        {%- endcall -%}
        {%- set sql -%}
            insert into {{ this.render() }}
            select
                {%- for col_name in agate_table.column_names %}
                cast(`{{ col_name }}` as {{ types[loop.index0] }}){{ ',' if not loop.last }}
                {%- endfor %}
            from {{ view }}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do adapter.add_query('drop view if exists ' ~ view) -%}
        {{ return(sql) }}
    {%- endif -%}
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
