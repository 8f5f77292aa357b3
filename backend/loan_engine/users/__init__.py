"""People, as admins manage them (search, roles, disable and enable: /api/admin/users), and the
bootstrap of the first admin (`loan-engine users create-admin`). Accounts themselves are `auth`'s."""
