{#- The learned score today, per definition and entity the rules can still qualify (see
    int_learned_score_fitted); no rows when the score is off, refused, or the target cannot run
    Python models. -#}
with

scores as (
    {{ learned_score_records('score', [
        ('definition_id', dbt.type_string()),
        ('entity', dbt.type_string()),
        ('entity_id', dbt.type_string()),
        ('as_of_date', 'date'),
        ('probability', dbt.type_numeric()),
        ('percentile', dbt.type_numeric()),
        ('band', dbt.type_string()),
        ('top_positive_factors', dbt.type_string()),
        ('top_negative_factor', dbt.type_string()),
    ]) }}
),

final as (
    select
        definition_id || '|' || entity_id as learned_score_id,
        *
    from scores
)

select * from final
