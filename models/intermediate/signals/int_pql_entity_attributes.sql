{#- Firmographic and demographic attributes fit rules can test, one row per attribute, so the
    rules in seeds/pql_fit_rules.csv are applied as data. Attributes are current values (fit is
    not point-in-time; behaviour is). -#}
with

users as (
    select * from {{ ref('int_users_profiled') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

user_attributes as (
    {%- for attribute in ['is_personal_email', 'persona', 'signup_source', 'job_title', 'email_domain'] %}
        select
            'user' as entity,
            user_id as entity_id,
            '{{ attribute }}' as attribute_name,
            lower({{ dbt.cast(attribute, dbt.type_string()) }}) as attribute_value
        from users
        where not is_internal
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

account_attributes as (
    {%- for attribute in ['employee_count', 'industry', 'country', 'account_domain'] %}
        select
            'account' as entity,
            account_id as entity_id,
            '{{ attribute }}' as attribute_name,
            lower({{ dbt.cast(attribute, dbt.type_string()) }}) as attribute_value
        from accounts
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select * from user_attributes
    where attribute_value is not null
    union all
    select * from account_attributes
    where attribute_value is not null
)

select * from final
