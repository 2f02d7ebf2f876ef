#include "persistence/cluster_membership.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement heartbeat{"cluster_heartbeat", R"sql(
insert into cluster_nodes (name, started_at, last_seen)
values ($1, timestamptz 'epoch' + $2::bigint * interval '1 millisecond', now())
on conflict (name) do update set started_at = excluded.started_at, last_seen = excluded.last_seen
)sql"};

const named_statement live_nodes{"cluster_live_nodes", R"sql(
select name,
       floor(extract(epoch from started_at) * 1000)::bigint,
       floor(extract(epoch from last_seen) * 1000)::bigint
from cluster_nodes
where last_seen > now() - $1::bigint * interval '1 millisecond'
order by name
)sql"};

const named_statement singleton_holders{"cluster_singleton_holders", R"sql(
select s.name, s.node_name,
       floor(extract(epoch from s.acquired_at) * 1000)::bigint,
       coalesce(n.last_seen > now() - $1::bigint * interval '1 millisecond', false)
from cluster_singletons s
left join cluster_nodes n on n.name = s.node_name
order by s.name
)sql"};

}  // namespace sql
}  // namespace

cluster_membership::cluster_membership(connection& db) : db_(db) {
  db_.native().declare({&sql::heartbeat, &sql::live_nodes, &sql::singleton_holders});
}

void cluster_membership::heartbeat(const std::string& node_name, std::int64_t started_at_ms) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::heartbeat.name, node_name, started_at_ms);
  });
}

std::vector<cluster_node_row> cluster_membership::live_nodes(std::chrono::milliseconds within) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<cluster_node_row> out;
    for (const auto& row : txn.exec_prepared(sql::live_nodes.name, static_cast<std::int64_t>(within.count())))
      out.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>()});
    return out;
  });
}

std::vector<singleton_holder_row> cluster_membership::singleton_holders(std::chrono::milliseconds within) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<singleton_holder_row> out;
    for (const auto& row : txn.exec_prepared(sql::singleton_holders.name, static_cast<std::int64_t>(within.count())))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>(), row[3].as<bool>()});
    return out;
  });
}

}  // namespace persistence
