{#- Read every seed CSV of this project before dbt loads it, and fail the run with the file, the
    line, the column and the problem when its structure is broken: a row with more values than
    the header (an unquoted comma), fewer values, a stray quote, text that is not UTF-8, or a
    value that does not fit a typed column (routing_rules' priority and employee bounds). dbt's
    own message for these is "Row 0 has 11 values, but Table only has 10 columns" (0-based, no
    hint) or a cast error naming no row. Runs as an on-run-start hook, so `dbt seed`, `dbt run`
    and `dbt build` all check the files first. What the values mean is checked afterwards by
    int_pql_config_validated.
    DuckDB reads the files with its CSV reader; other adapters run in a warehouse that cannot
    read the project's files, so there the check is skipped and dbt's own message stands. -#}
{% macro check_seed_files() -%}
    {{ return(adapter.dispatch('check_seed_files', 'pql')()) }}
{%- endmacro %}

{% macro default__check_seed_files() -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__check_seed_files() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set hints = {
        'TOO MANY COLUMNS': 'more values than the header has columns; a value containing a comma must be in double quotes ("like, this")',
        'MISSING COLUMNS': 'fewer values than the header has columns; write an empty value as nothing between two commas',
        'UNQUOTED VALUE': 'a quote inside a value; put the whole value in double quotes and double the quote inside ("say ""hi""")',
        'INVALID ENCODING': 'text that is not UTF-8; save the file as UTF-8',
        'INVALID UNICODE': 'text that is not UTF-8; save the file as UTF-8',
        'LINE SIZE OVER MAXIMUM': 'the line is too long; a quote is probably not closed',
    } -%}
    {%- set problems = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'seed' and node.package_name == project_name -%}
        {%- set file = node.original_file_path -%}
        {%- set path = (node.root_path ~ '/' ~ file) | replace("'", "''") -%}
        {%- set delimiter = node.config.delimiter -%}
        {%- set content = run_query("select content from read_text('" ~ path ~ "')").columns[0].values()[0] -%}
        {%- set header = [] -%}
        {%- for name in content.split('\n')[0].strip('\r\ufeff').split(delimiter) -%}
            {%- do header.append(name.strip().strip('"')) -%}
        {%- endfor -%}
        {%- set column_types = node.config.column_types or {} -%}
        {%- set known_problems = problems | length -%}
        {%- for column in column_types if column not in header -%}
            {%- do problems.append(file ~ ' line 1 (header), column ' ~ column ~ ': is missing (the header has ' ~ header | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set columns = [] -%}
        {%- for column in header -%}
            {%- if column == '' or column in header[:loop.index0] -%}
                {%- do problems.append(file ~ ' line 1 (header), column ' ~ loop.index ~ ": '" ~ column ~ "' is empty or a repeated column name") -%}
            {%- endif -%}
            {%- do columns.append("'" ~ loop.index ~ "': '" ~ (column_types.get(column, 'varchar') | replace("'", "''")) ~ "'") -%}
        {%- endfor -%}
        {%- if problems | length == known_problems -%}
        {%- do run_query(
            "create or replace temp table pql_seed_rows as select * from read_csv('" ~ path ~ "', "
            ~ "auto_detect = false, header = true, delim = '" ~ delimiter | replace("'", "''") ~ "', "
            ~ "quote = '\"', escape = '\"', strict_mode = true, columns = {" ~ columns | join(', ') ~ "}, "
            ~ "store_rejects = true, rejects_table = 'pql_seed_rejects', rejects_scan = 'pql_seed_scans')"
        ) -%}
        {%- set rejects = run_query(
            "select line, column_name, error_type, error_message from pql_seed_rejects order by line"
        ) -%}
        {%- for reject in rejects.rows -%}
            {%- set column = header[reject['column_name'] | int - 1] if reject['column_name'] else header[-1] -%}
            {%- if reject['error_type'] == 'CAST' -%}
                {%- set problem = 'is not a value of type ' ~ column_types[column] ~ ' (' ~ reject['error_message'] | replace('"' ~ reject['column_name'] ~ '"', column) ~ ')' -%}
            {%- else -%}
                {%- set problem = hints.get(reject['error_type'], reject['error_type'] | lower) ~ ' (' ~ reject['error_message'] ~ ')' -%}
            {%- endif -%}
            {%- do problems.append(file ~ ' line ' ~ reject['line'] ~ ', column ' ~ column ~ ': ' ~ problem) -%}
        {%- endfor -%}
        {%- do run_query("drop table if exists pql_seed_rows; drop table if exists pql_seed_rejects; drop table if exists pql_seed_scans") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error("seed CSV files are malformed (dbt cannot load them):\n  " ~ problems | join('\n  ')) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
