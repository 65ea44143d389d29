{{ pqa_accounts_mart('new_business') }}
