#include "persistence/admin_store.hpp"

#include <nlohmann/json.hpp>

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement user_by_email{
    "admin_user_by_email",
    "select id, email, password_hash, coalesce(totp_sealed, '') from admin_users where email = $1"};

const named_statement add_user{"admin_add_user", R"sql(
insert into admin_users (email, password_hash, totp_sealed) values ($1, $2, $3)
on conflict (email) do nothing
returning id
)sql"};

const named_statement add_recovery_codes{"admin_add_recovery_codes", R"sql(
insert into admin_recovery_codes (user_id, code_hash)
select $1, h from json_array_elements_text($2::json) h
)sql"};

const named_statement clear_recovery_codes{"admin_clear_recovery_codes",
                                           "delete from admin_recovery_codes where user_id = $1"};

const named_statement replace_totp{"admin_replace_totp", R"sql(
update admin_users set totp_sealed = $2, totp_secret = null, totp_last_step = 0 where email = $1 returning id
)sql"};

const named_statement plain_totp_secrets{
    "admin_plain_totp_secrets", "select id, email, totp_secret from admin_users where totp_secret is not null"};

const named_statement seal_totp_secret{"admin_seal_totp_secret", R"sql(
update admin_users set totp_sealed = $3, totp_secret = null where id = $1 and totp_secret = $2
)sql"};

const named_statement take_totp_step{"admin_take_totp_step",
                                     "update admin_users set totp_last_step = $2 where id = $1 and totp_last_step < $2"};

const named_statement take_recovery_code{"admin_take_recovery_code", R"sql(
update admin_recovery_codes set used_at = now()
where user_id = $1 and code_hash = $2 and used_at is null
)sql"};

const named_statement open_session{"admin_open_session", R"sql(
insert into admin_sessions (id, token_hash, user_id, csrf_token, client, created_at, last_seen, expires_at)
values ($1, $2, $3, $4, $5,
        timestamptz 'epoch' + $6::bigint * interval '1 millisecond',
        timestamptz 'epoch' + $6::bigint * interval '1 millisecond',
        timestamptz 'epoch' + $7::bigint * interval '1 millisecond')
)sql"};

// $2 now, $3 the idle limit (ms). The session answers with the earlier of its
// two ends as seen from now.
const named_statement touch_session{"admin_touch_session", R"sql(
update admin_sessions s
set last_seen = timestamptz 'epoch' + $2::bigint * interval '1 millisecond'
from admin_users u
where s.token_hash = $1 and u.id = s.user_id and s.revoked_at is null
  and s.expires_at > timestamptz 'epoch' + $2::bigint * interval '1 millisecond'
  and s.last_seen > timestamptz 'epoch' + ($2::bigint - $3::bigint) * interval '1 millisecond'
returning s.id, u.email, s.csrf_token,
          least(floor(extract(epoch from s.expires_at) * 1000)::bigint, $2::bigint + $3::bigint)
)sql"};

const named_statement revoke_session{"admin_revoke_session",
                                     "update admin_sessions set revoked_at = now() where id = $1 and revoked_at is null"};

const named_statement add_api_key{"admin_add_api_key",
                                  "insert into admin_api_keys (id, name, key_hash, created_by) values ($1, $2, $3, $4)"};

const named_statement api_key_hash{"admin_api_key_hash",
                                   "select name, key_hash from admin_api_keys where id = $1 and revoked_at is null"};

const named_statement api_keys{"admin_api_keys", R"sql(
select id, name, created_by, floor(extract(epoch from created_at) * 1000)::bigint,
       coalesce(floor(extract(epoch from revoked_at) * 1000)::bigint, 0)
from admin_api_keys order by created_at desc, id
)sql"};

const named_statement revoke_api_key{"admin_revoke_api_key",
                                     "update admin_api_keys set revoked_at = now() where id = $1 and revoked_at is null"};

const named_statement append_audit{"admin_append_audit", R"sql(
insert into audit_log (at, actor, action, target, client, outcome)
select timestamptz 'epoch' + r.at * interval '1 millisecond', r.actor, r.action, r.target, r.client, r.outcome
from json_to_recordset($1::json) as r(at bigint, actor text, action text, target text, client text, outcome int)
)sql"};

const named_statement audit_page{"admin_audit_page", R"sql(
select id, floor(extract(epoch from at) * 1000)::bigint, actor, action, target, client, outcome
from audit_log
where ($2::bigint = 0 or id < $2)
  and ($3 = '' or actor = $3)
  and ($4 = '' or strpos(action, $4) > 0)
order by id desc
limit $1
)sql"};

}  // namespace sql

std::string json_list(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

}  // namespace

admin_store::admin_store(connection& db) : db_(db) {
  db_.native().declare({&sql::user_by_email, &sql::add_user, &sql::add_recovery_codes, &sql::clear_recovery_codes,
                        &sql::replace_totp, &sql::plain_totp_secrets, &sql::seal_totp_secret, &sql::take_totp_step,
                        &sql::take_recovery_code, &sql::open_session, &sql::touch_session, &sql::revoke_session,
                        &sql::add_api_key, &sql::api_key_hash, &sql::api_keys, &sql::revoke_api_key, &sql::append_audit,
                        &sql::audit_page});
}

std::optional<admin_user_row> admin_store::user_by_email(const std::string& email) {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<admin_user_row> {
    pqxx::read_transaction txn{conn};
    const auto rows = txn.exec_prepared(sql::user_by_email.name, email);
    if (rows.empty()) return std::nullopt;
    return admin_user_row{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>(),
                          rows[0][3].as<std::string>()};
  });
}

std::int64_t admin_store::add_user(const std::string& email, const std::string& password_hash,
                                   const std::string& totp_sealed, const std::vector<std::string>& recovery_hashes) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto rows = txn.exec_prepared(sql::add_user.name, email, password_hash, totp_sealed);
    if (rows.empty()) throw duplicate_admin("an admin with the email " + email + " exists already");
    const auto id = rows[0][0].as<std::int64_t>();
    txn.exec_prepared(sql::add_recovery_codes.name, id, json_list(recovery_hashes));
    txn.commit();
    return id;
  });
}

bool admin_store::replace_second_factor(const std::string& email, const std::string& totp_sealed,
                                        const std::vector<std::string>& recovery_hashes) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto rows = txn.exec_prepared(sql::replace_totp.name, email, totp_sealed);
    if (rows.empty()) return false;
    const auto id = rows[0][0].as<std::int64_t>();
    txn.exec_prepared(sql::clear_recovery_codes.name, id);
    txn.exec_prepared(sql::add_recovery_codes.name, id, json_list(recovery_hashes));
    txn.commit();
    return true;
  });
}

std::size_t admin_store::seal_plain_totp_secrets(
    const std::function<std::string(const std::string& email, const std::string& secret)>& seal) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::size_t sealed = 0;
    // Admins are a handful: one statement each, in one transaction.
    for (const auto& row : txn.exec_prepared(sql::plain_totp_secrets.name)) {
      const auto secret = row[2].as<std::string>();
      sealed += txn.exec_prepared(sql::seal_totp_secret.name, row[0].as<std::int64_t>(), secret,
                                  seal(row[1].as<std::string>(), secret))
                    .affected_rows();
    }
    txn.commit();
    return sealed;
  });
}

bool admin_store::take_totp_step(std::int64_t user_id, std::int64_t step) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto taken = txn.exec_prepared(sql::take_totp_step.name, user_id, step).affected_rows() == 1;
    txn.commit();
    return taken;
  });
}

bool admin_store::take_recovery_code(std::int64_t user_id, const std::string& code_hash) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto taken = txn.exec_prepared(sql::take_recovery_code.name, user_id, code_hash).affected_rows() == 1;
    txn.commit();
    return taken;
  });
}

void admin_store::open_session(const new_admin_session& s) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::open_session.name, s.id, s.token_hash, s.user_id, s.csrf_token, s.client, s.now_ms,
                      s.expires_at_ms);
    txn.commit();
    return 0;
  });
}

std::optional<admin_session_row> admin_store::touch_session(const std::string& token_hash, std::int64_t now_ms,
                                                            std::int64_t idle_ms) {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<admin_session_row> {
    pqxx::work txn{conn};
    const auto rows = txn.exec_prepared(sql::touch_session.name, token_hash, now_ms, idle_ms);
    txn.commit();
    if (rows.empty()) return std::nullopt;
    return admin_session_row{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
                             rows[0][2].as<std::string>(), rows[0][3].as<std::int64_t>()};
  });
}

bool admin_store::revoke_session(const std::string& id) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto revoked = txn.exec_prepared(sql::revoke_session.name, id).affected_rows() == 1;
    txn.commit();
    return revoked;
  });
}

void admin_store::add_api_key(const std::string& id, const std::string& name, const std::string& key_hash,
                              const std::string& created_by) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::add_api_key.name, id, name, key_hash, created_by);
    txn.commit();
    return 0;
  });
}

std::optional<std::string> admin_store::api_key_name(const std::string& id, const std::string& key_hash) {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<std::string> {
    pqxx::read_transaction txn{conn};
    const auto rows = txn.exec_prepared(sql::api_key_hash.name, id);
    if (rows.empty() || rows[0][1].as<std::string>() != key_hash) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
}

std::vector<api_key_row> admin_store::api_keys() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<api_key_row> keys;
    for (const auto& row : txn.exec_prepared(sql::api_keys.name))
      keys.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::int64_t>(), row[4].as<std::int64_t>()});
    return keys;
  });
}

bool admin_store::revoke_api_key(const std::string& id) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto revoked = txn.exec_prepared(sql::revoke_api_key.name, id).affected_rows() == 1;
    txn.commit();
    return revoked;
  });
}

void admin_store::append_audit(const std::vector<audit_row>& entries) {
  if (entries.empty()) return;
  auto rows = nlohmann::json::array();
  for (const auto& e : entries)
    rows.push_back({{"at", e.at_ms}, {"actor", e.actor}, {"action", e.action}, {"target", e.target},
                    {"client", e.client}, {"outcome", e.outcome}});
  const std::string batch = rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::append_audit.name, batch);
    txn.commit();
    return 0;
  });
}

std::vector<audit_row> admin_store::audit_page(const audit_filter& filter) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<audit_row> page;
    for (const auto& row :
         txn.exec_prepared(sql::audit_page.name, filter.limit, filter.before_id, filter.actor, filter.action))
      page.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::string>(),
                      row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(),
                      row[6].as<int>()});
    return page;
  });
}

}  // namespace persistence
