{#- CTEs (ending in one named lift_estimated) adding to each row of `cells` (columns
    did_count, did_converted_count, not_did_count, not_did_converted_count) the lift of doing
    the behaviour on conversion (relative risk) with its Katz log interval at var
    pql_confidence_z, and the same corrected for multiple comparisons within `partition_by`:
    a two-sided p-value, a Benjamini-Hochberg q-value, and a Bonferroni-adjusted lower bound
    (the interval at level alpha / tests). When any of the four cells is 0 (nobody who did it
    converted, everyone who did it converted, and the same for those who did not), half a count
    is added to every cell (Haldane-Anscombe) for the interval and the tests. -#}
{% macro lift_estimates(cells, partition_by) -%}
{%- set z = var('pql_confidence_z') | float -%}
lift_corrected as (
    select
        {{ cells }}.*,
        -- A double: Spark would divide decimals below to 6 decimal places.
        cast(
            case
                when
                    did_converted_count = 0
                    or did_count - did_converted_count = 0
                    or not_did_converted_count = 0
                    or not_did_count - not_did_converted_count = 0
                    then 0.5
                else 0
            end as {{ type_double() }}
        ) as correction
    from {{ cells }}
),

lift_rated as (
    select
        *,
        {{ safe_divide('did_converted_count', 'did_count') }} as did_conversion_rate,
        {{ safe_divide('not_did_converted_count', 'not_did_count') }} as not_did_conversion_rate,
        case
            when did_count > 0 and not_did_count > 0
                then sqrt(
                    1.0 / (did_converted_count + correction)
                    - 1.0 / (did_count + 2 * correction)
                    + 1.0 / (not_did_converted_count + correction)
                    - 1.0 / (not_did_count + 2 * correction)
                )
        end as log_lift_se,
        case
            when did_count > 0 and not_did_count > 0
                then ln(
                    ((did_converted_count + correction) * 1.0 / (did_count + 2 * correction))
                    / ((not_did_converted_count + correction) * 1.0 / (not_did_count + 2 * correction))
                )
        end as log_lift_corrected
    from lift_corrected
),

lift_tested as (
    select
        *,
        case
            when log_lift_se > 0
                then 2 * {{ normal_upper_tail('abs(log_lift_corrected) / log_lift_se') }}
        end as p_value,
        sum(case when log_lift_se > 0 then 1 else 0 end) over (
            partition by {{ partition_by }}
        ) as test_count
    from lift_rated
),

lift_ranked_p as (
    select
        *,
        row_number() over (
            partition by {{ partition_by }}
            order by case when p_value is null then 1 else 0 end asc, p_value asc
        ) as p_rank
    from lift_tested
),

lift_estimated as (
    select
        *,
        {{ safe_divide('did_conversion_rate', 'not_did_conversion_rate') }} as lift,
        exp(log_lift_corrected - {{ z }} * log_lift_se) as lift_ci_low,
        exp(log_lift_corrected + {{ z }} * log_lift_se) as lift_ci_high,
        case
            when p_value is not null
                then least(1.0, min(p_value * test_count / p_rank) over (
                    partition by {{ partition_by }}
                    order by case when p_value is null then 1 else 0 end desc, p_rank desc
                    rows between unbounded preceding and current row
                ))
        end as q_value,
        exp(
            log_lift_corrected
            - {{ normal_upper_quantile(normal_upper_tail(z) ~ ' / test_count') }} * log_lift_se
        ) as lift_ci_low_adjusted
    from lift_ranked_p
)
{%- endmacro %}
