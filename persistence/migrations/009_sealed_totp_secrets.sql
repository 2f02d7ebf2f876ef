-- The admins' TOTP secrets sealed (sealing/vault.hpp, seal_totp_secret):
-- XChaCha20-Poly1305 under a key derived from the shop's root key, which only
-- the master key unwraps, bound to the admin's email. A copy of the database
-- alone can no longer compute an admin's codes.
--
-- SQL cannot seal: a secret stored in the clear by 006 stays in totp_secret
-- until an engine (or `order_engine admin …`) starts on this database with
-- the master key; it then seals it into totp_sealed and clears totp_secret
-- (persistence::admin_store::seal_plain_totp_secrets). Exactly one of the two
-- holds an admin's secret.
alter table admin_users add column totp_sealed text;
alter table admin_users alter column totp_secret drop not null;
alter table admin_users add constraint admin_users_one_totp_secret
    check ((totp_secret is null) <> (totp_sealed is null));
