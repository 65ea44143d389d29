{#- The funnel step columns both funnel facts share, in contract order: the signup cohort, each
    step's time, and the days between steps (whole calendar days; null when a step is missing).
    Reads the columns of the same names (int_funnel_steps). -#}
{% macro funnel_step_columns() -%}
    {%- set step_durations = [
        ('days_to_activation', 'signed_up_at', 'activated_at'),
        ('days_to_qualified', 'signed_up_at', 'first_qualified_date'),
        ('days_activation_to_qualified', 'activated_at', 'first_qualified_date'),
        ('days_to_mql', 'signed_up_at', 'mql_at'),
        ('days_qualified_to_opportunity', 'first_qualified_date', 'first_opportunity_at'),
        ('days_qualified_to_converted', 'first_qualified_date', 'converted_at'),
        ('days_qualified_to_won', 'first_qualified_date', 'won_at'),
        ('days_opportunity_to_won', 'first_opportunity_at', 'won_at'),
        ('days_to_converted', 'signed_up_at', 'converted_at'),
    ] -%}
    signed_up_at,
    {{ dbt.cast(dbt.date_trunc('week', 'signed_up_at'), 'date') }} as signup_week,
    {{ dbt.cast(dbt.date_trunc('month', 'signed_up_at'), 'date') }} as signup_month,
    converted_at is null or converted_at > signed_up_at as is_eligible_at_signup,
    activated_at,
    activation_milestone_id,
    first_qualified_date,
    cast(times_qualified as {{ dbt.type_int() }}) as times_qualified,
    mql_at,
    first_opportunity_at,
    won_at,
    first_paid_at,
    converted_at,
    converted_via,
    {%- for column, step_from, step_to in step_durations %}
    cast(
        {{ dbt.datediff(dbt.cast(step_from, 'date'), dbt.cast(step_to, 'date'), 'day') }}
        as {{ dbt.type_bigint() }}
    ) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
