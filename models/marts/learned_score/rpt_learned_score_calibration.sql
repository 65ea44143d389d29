{#- Calibration of the learned score on the held-out weeks: per definition, ten equal groups of
    held-out rows by predicted probability, the mean prediction beside the observed rate. -#}
with

deciles as (
    {{ learned_score_records('decile', [
        ('definition_id', dbt.type_string()),
        ('decile', dbt.type_bigint()),
        ('row_count', dbt.type_bigint()),
        ('positive_count', dbt.type_bigint()),
        ('mean_probability', dbt.type_numeric()),
        ('observed_rate', dbt.type_numeric()),
    ]) }}
),

final as (
    select
        definition_id || '|' || {{ dbt.cast('decile', dbt.type_string()) }} as calibration_id,
        *
    from deciles
)

select * from final
