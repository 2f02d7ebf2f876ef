-- Who may use the back office, and what they did there.
--
-- Admins sign in with a password (argon2id, libsodium's crypto_pwhash_str) and
-- a TOTP code; a code's time step is remembered so that it works once. Recovery
-- codes, session tokens and API keys are stored as SHA-256 digests: a copy of
-- the database alone signs nobody in.
create table admin_users (
    id              bigserial   primary key,
    email           text        not null unique,
    password_hash   text        not null,
    totp_secret     text        not null,           -- base32, as the authenticator app has it
    totp_last_step  bigint      not null default 0, -- the last accepted code's 30 s step
    created_at      timestamptz not null default now()
);

create table admin_recovery_codes (
    user_id    bigint      not null references admin_users (id) on delete cascade,
    code_hash  text        not null,
    used_at    timestamptz,
    primary key (user_id, code_hash)
);

create table admin_sessions (
    id          text        primary key,           -- public: shown in the audit log, used to sign out
    token_hash  text        not null unique,       -- the cookie's secret, hashed
    user_id     bigint      not null references admin_users (id) on delete cascade,
    csrf_token  text        not null,
    client      text        not null,
    created_at  timestamptz not null,
    last_seen   timestamptz not null,
    expires_at  timestamptz not null,              -- the absolute end, whatever the activity
    revoked_at  timestamptz
);
create index admin_sessions_user on admin_sessions (user_id);

create table admin_api_keys (
    id          text        primary key,           -- the key's public half
    name        text        not null,
    key_hash    text        not null,              -- the secret half, hashed
    created_by  text        not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);

-- Every admin request, reads included. The engine appends; nobody edits.
create table audit_log (
    id       bigserial   primary key,
    at       timestamptz not null default now(),
    actor    text        not null,  -- an admin's email, an API key's name, "operator" for admin.token
    action   text        not null,  -- "GET /admin/api/orders/{id}", "sign_in"...
    target   text        not null,  -- the order, message, exception or key acted on; "" when none
    client   text        not null,  -- the client's address
    outcome  int         not null   -- the HTTP status answered
);
create index audit_log_actor on audit_log (actor, id);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_append_only before update or delete on audit_log
    for each statement execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();
