{#- Who each user is: every user id seen anywhere, with the latest email and traits they
    identified with, when they signed up, and whether the email is personal or internal. -#}
with

observed as (
    select * from {{ ref('int_identities_observed') }}
),

identifies as (
    select * from {{ ref('stg_cdp__identifies') }}
),

personal_email_domains as (
    select * from {{ ref('personal_email_domains') }}
),

internal_email_domains as (
    select * from {{ ref('internal_email_domains') }}
),

users as (
    select
        user_id,
        min(first_observed_at) as first_observed_at,
        min(first_received_at) as first_received_at
    from observed
    where user_id is not null
    group by user_id
),

latest_email_ranked as (
    select
        user_id,
        email,
        email_domain,
        row_number() over (
            partition by user_id order by received_at desc, occurred_at desc, message_id desc
        ) as row_rank
    from identifies
    where user_id is not null and email is not null
),

latest_email as (
    select
        user_id,
        email,
        email_domain
    from latest_email_ranked
    where row_rank = 1
),

latest_traits_ranked as (
    select
        user_id,
        user_name,
        job_title,
        signup_source,
        persona,
        row_number() over (
            partition by user_id order by received_at desc, occurred_at desc, message_id desc
        ) as row_rank
    from identifies
    where user_id is not null and traits_json is not null and not is_traits_malformed
),

latest_traits as (
    select
        user_id,
        user_name,
        job_title,
        signup_source,
        persona
    from latest_traits_ranked
    where row_rank = 1
),

signups as (
    select
        user_id,
        min(signed_up_at) as signed_up_at,
        min(occurred_at) as first_identified_at
    from identifies
    where user_id is not null
    group by user_id
),

final as (
    select
        users.user_id,
        latest_email.email,
        latest_email.email_domain,
        latest_traits.user_name,
        latest_traits.job_title,
        latest_traits.signup_source,
        latest_traits.persona,
        coalesce(signups.signed_up_at, signups.first_identified_at, users.first_observed_at)
            as signed_up_at,
        case
            when signups.signed_up_at is not null then 'identify_traits'
            when signups.first_identified_at is not null then 'first_identify'
            else 'first_seen'
        end as signup_time_source,
        users.first_observed_at,
        users.first_received_at,
        coalesce(personal_email_domains.email_domain is not null, false) as is_personal_email,
        coalesce(internal_email_domains.email_domain is not null, false) as is_internal
    from users
    left join latest_email
        on users.user_id = latest_email.user_id
    left join latest_traits
        on users.user_id = latest_traits.user_id
    left join signups
        on users.user_id = signups.user_id
    left join personal_email_domains
        on latest_email.email_domain = personal_email_domains.email_domain
    left join internal_email_domains
        on latest_email.email_domain = internal_email_domains.email_domain
)

select * from final
