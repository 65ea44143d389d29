-- seeds/placeholder_identity_values.csv lists plain values: none empty, none with surrounding
-- whitespace (they are compared after trimming, so such a value would never match), none
-- listed twice ignoring case. Returns each offending value with its problem.
with

placeholders as (
    select * from {{ ref('placeholder_identity_values') }}
),

problems as (
    select
        identity_value,
        'seeds/placeholder_identity_values.csv: empty identity_value' as problem
    from placeholders
    where {{ clean_text('identity_value') }} is null

    union all

    select
        identity_value,
        'seeds/placeholder_identity_values.csv: identity_value has surrounding whitespace' as problem
    from placeholders
    where identity_value <> {{ clean_text('identity_value') }}

    union all

    select
        min(identity_value) as identity_value,
        'seeds/placeholder_identity_values.csv: identity_value listed twice (any case)' as problem
    from placeholders
    where identity_value is not null
    group by lower(identity_value)
    having count(*) > 1
)

select * from problems
