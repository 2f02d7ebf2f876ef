#include "persistence/order_reads.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "persistence/access_path.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/pq_connection.hpp"
#include "persistence/sealed_json.hpp"

namespace persistence {
namespace {
namespace sql {

#define ORDER_COLUMNS                                                        \
  "o.id::text, o.number, o.status, o.customer_ref::text, o.payment_method, " \
  "o.total_cents, floor(extract(epoch from o.created_at) * 1000)::bigint, "  \
  "floor(extract(epoch from o.updated_at) * 1000)::bigint, o.version, o.view::text"

const named_statement find_order{"find_order", "select " ORDER_COLUMNS " from orders o where o.id = $1::uuid"};

// Exact, through the index on lower(number) (migration 029).
const named_statement find_order_by_number{"find_order_by_number",
                                           "select " ORDER_COLUMNS
                                           " from orders o where lower(o.number) = lower($1) and o.number = $1"};

// Keyset paging: a page starts strictly after the (created_at, id) of the
// previous page's last row, which stays right while orders are added (no
// duplicates, no gaps) and costs an index range scan at any depth. The
// cursor is carried in microseconds so it compares exactly with the stored
// value; the first page passes a point past every order (~year 192000).
// Column 10 is that cursor value for the row. Four variants instead of one
// statement full of `$n is null or ...`, so every filter can use its index
// in a plan PostgreSQL may cache.
//
// A search is a UNION of two branches rather than `number like .. OR
// customer_ref in (..)`: an OR across two indexes leaves PostgreSQL walking
// the whole newest-first index (100 ms at 66k orders), while each branch
// alone is an index lookup (by number prefix, by email -> customer_ref)
// whose few matches are then sorted; each branch stops at the page size.
// The email branch takes a page of each matching customer's orders from
// orders_by_customer_newest_first (LATERAL), so that no statistics (one
// customer with most of the orders) can make it walk the whole table.
// $like is an order-number prefix with LIKE's wildcards escaped; $email the
// query's blind index (the database holds no address to compare with).
#define LIST_COLUMNS ORDER_COLUMNS ", floor(extract(epoch from o.created_at) * 1000000)::bigint"
#define AFTER_CURSOR        \
  "(o.created_at, o.id) < " \
  "(timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2::uuid)"
#define NEWEST_FIRST " order by o.created_at desc, o.id desc limit $3"
#define SEARCH(status_condition, like, email)                                                                    \
  "select * from ("                                                                                              \
  "(select " LIST_COLUMNS                                                                                        \
  ", o.created_at as sort_at, o.id as sort_id from orders o "                                                    \
  " where " AFTER_CURSOR status_condition "   and lower(o.number) like lower(" like ") escape '\\'" NEWEST_FIRST \
  ")"                                                                                                            \
  " union "                                                                                                      \
  "(select " LIST_COLUMNS                                                                                        \
  ", o.created_at as sort_at, o.id as sort_id from customers c"                                                  \
  " cross join lateral (select * from orders o where o.customer_ref = c.ref and " AFTER_CURSOR status_condition  \
      NEWEST_FIRST                                                                                               \
  ") o"                                                                                                          \
  " where c.email_index = " email NEWEST_FIRST                                                                   \
  ")"                                                                                                            \
  ") as matches order by sort_at desc, sort_id desc limit $3"

const named_statement list_orders{"list_orders",
                                  "select " LIST_COLUMNS " from orders o where " AFTER_CURSOR NEWEST_FIRST};
const named_statement list_orders_by_status{"list_orders_by_status",
                                            "select " LIST_COLUMNS " from orders o where " AFTER_CURSOR
                                            " and o.status = $4" NEWEST_FIRST};
const named_statement list_orders_by_query{"list_orders_by_query", SEARCH("", "$4", "$5")};
const named_statement list_orders_by_status_and_query{"list_orders_by_status_and_query",
                                                      SEARCH(" and o.status = $4", "$5", "$6")};

// Refunds by state ($4: a text[] of refund states), newest first, paged like
// the orders; columns 11.. are the refund's.
const named_statement list_refunds{"list_refunds",
                                   "select " LIST_COLUMNS
                                   ", o.refund_state, o.refund_due_atomic::text, o.refunded_atomic::text,"
                                   " o.refund_outstanding_atomic::text from orders o where " AFTER_CURSOR
                                   " and o.refund_state = any($4::text[])" NEWEST_FIRST};

#define CUSTOMER_COLUMNS                                                    \
  "c.ref::text, c.name_sealed, c.email_sealed, c.shipping_sealed, "         \
  "floor(extract(epoch from c.created_at) * 1000)::bigint, k.wrapped_key, " \
  "floor(extract(epoch from c.erased_at) * 1000)::bigint"

const named_statement find_customer{"find_customer", "select " CUSTOMER_COLUMNS
                                                     " from customers c left join customer_keys k on k.ref = c.ref"
                                                     " where c.ref = $1::uuid"};

// The mailer's batch: $1 order ids as a uuid[] literal. Customer columns are
// null where the path does not let the customer through.
const named_statement find_orders_for_mail{"find_orders_for_mail",
                                           "select " ORDER_COLUMNS ", " CUSTOMER_COLUMNS
                                           " from orders o"
                                           " left join customers c on c.ref = o.customer_ref"
                                           " left join customer_keys k on k.ref = o.customer_ref"
                                           " where o.id = any($1::uuid[])"};
constexpr int customer_columns_of_mail = 10;  // after the ten ORDER_COLUMNS

#undef SEARCH
#undef NEWEST_FIRST
#undef AFTER_CURSOR
#undef LIST_COLUMNS
#undef CUSTOMER_COLUMNS
#undef ORDER_COLUMNS

}  // namespace sql

// Column order of ORDER_COLUMNS above.
order_row read_order(const pqxx::row& row) {
  order_row order;
  order.id = row[0].as<std::string>();
  order.number = row[1].as<std::string>();
  order.status = row[2].as<std::string>();
  order.customer_ref = row[3].as<std::string>();
  order.payment_method = row[4].as<std::string>();
  order.total_cents = row[5].as<std::int64_t>();
  order.created_at_ms = row[6].as<std::int64_t>();
  order.updated_at_ms = row[7].as<std::int64_t>();
  order.version = row[8].as<std::int64_t>();
  order.view_json = row[9].as<std::string>();
  return order;
}

// ---- keyset cursor -------------------------------------------------------
// "<created_at in µs>_<id>": the exact sort key of the last row of a page.

struct cursor_position {
  std::int64_t created_at_us;
  std::string id;
};

// Before every order, so the first page needs no special statement:
// ~year 192000, still inside PostgreSQL's timestamptz range.
const cursor_position start_of_listing{6'000'000'000'000'000, "ffffffff-ffff-ffff-ffff-ffffffffffff"};

bool is_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string encode_cursor(std::int64_t created_at_us, const std::string& id) {
  return std::to_string(created_at_us) + "_" + id;
}

cursor_position decode_cursor(const std::string& cursor) {
  const auto separator = cursor.find('_');
  if (separator == std::string::npos) throw invalid_cursor("malformed cursor");
  cursor_position position;
  const char* first = cursor.data();
  const char* last = cursor.data() + separator;
  const auto [end, error] = std::from_chars(first, last, position.created_at_us);
  position.id = cursor.substr(separator + 1);
  if (error != std::errc{} || end != last || separator == 0 || !is_uuid(position.id))
    throw invalid_cursor("malformed cursor");
  return position;
}

// An order-number prefix as a LIKE pattern: the query's own % and _ are
// literal characters, not wildcards.
std::string prefix_pattern(const std::string& query) {
  std::string pattern;
  for (char c : query) {
    if (c == '\\' || c == '%' || c == '_') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

bool present(const std::optional<std::string>& text) {
  return text && !text->empty();
}

}  // namespace

order_reads::order_reads(connection& db, std::shared_ptr<const sealing::vault> vault, customer_reader reader)
    : db_(db), vault_(std::move(vault)), reader_(reader) {
  db_.native().declare({&sql::find_order, &sql::find_order_by_number, &sql::list_orders, &sql::list_orders_by_status,
                        &sql::list_orders_by_query, &sql::list_orders_by_status_and_query, &sql::find_customer,
                        &sql::find_orders_for_mail, &sql::list_refunds, &detail::order_key_statement});
}

template <class F>
auto order_reads::on_path(F read, const std::vector<std::int64_t>& mail) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    if (reader_ == customer_reader::admin)
      detail::enter_path(txn, detail::customer_path::admin);
    else
      detail::enter_mailer_path(txn, mail);
    auto result = read(txn);
    txn.commit();
    return result;
  });
}

namespace {

// The view with its personal texts opened under `key` (none: erased, they read as null).
order_row opened_with(order_row order, const std::optional<sealing::secret_key>& key) {
  order.view_json = detail::open_sealed_values(order.view_json, key ? &*key : nullptr, detail::view_context(order.id));
  return order;
}

}  // namespace

// The view with its personal texts opened (null once the customer was erased).
order_row order_reads::opened(pqxx::transaction_base& txn, order_row order) {
  if (!detail::may_hold_sealed_values(order.view_json)) return order;
  const auto key = detail::order_key(txn, *vault_, order.id);
  return opened_with(std::move(order), key);
}

std::optional<order_row> order_reads::find_order(const std::string& id) {
  return on_path([&](pqxx::transaction_base& txn) -> std::optional<order_row> {
    const auto result = txn.exec_prepared(sql::find_order.name, id);
    if (result.empty()) return std::nullopt;
    return opened(txn, read_order(result[0]));
  });
}

std::optional<order_row> order_reads::find_order_by_number(const std::string& number) {
  return on_path([&](pqxx::transaction_base& txn) -> std::optional<order_row> {
    const auto result = txn.exec_prepared(sql::find_order_by_number.name, number);
    if (result.empty()) return std::nullopt;
    return opened(txn, read_order(result[0]));
  });
}

order_page order_reads::list_orders(const order_filter& filter) {
  const auto after = filter.cursor ? decode_cursor(*filter.cursor) : start_of_listing;
  const int limit = std::clamp(filter.limit, 1, max_page_size);
  // One row more than the page tells whether another page follows.
  const int fetch = limit + 1;

  // On the path: a search by email looks at customers.
  return on_path([&](pqxx::transaction_base& txn) {
    pqxx::result result;
    const bool by_status = present(filter.status);
    const bool by_query = present(filter.query);
    if (by_status && by_query)
      result = txn.exec_prepared(sql::list_orders_by_status_and_query.name, after.created_at_us, after.id, fetch,
                                 *filter.status, prefix_pattern(*filter.query), vault_->email_index(*filter.query));
    else if (by_status)
      result = txn.exec_prepared(sql::list_orders_by_status.name, after.created_at_us, after.id, fetch, *filter.status);
    else if (by_query)
      result = txn.exec_prepared(sql::list_orders_by_query.name, after.created_at_us, after.id, fetch,
                                 prefix_pattern(*filter.query), vault_->email_index(*filter.query));
    else
      result = txn.exec_prepared(sql::list_orders.name, after.created_at_us, after.id, fetch);

    order_page page;
    const auto rows = std::min<std::size_t>(result.size(), static_cast<std::size_t>(limit));
    page.rows.reserve(rows);
    for (std::size_t i = 0; i < rows; ++i) page.rows.push_back(read_order(result[static_cast<int>(i)]));
    if (result.size() > rows) {
      const auto& last = result[static_cast<int>(rows - 1)];
      page.next_cursor = encode_cursor(last[10].as<std::int64_t>(), last[0].as<std::string>());
    }
    return page;
  });
}

order_page order_reads::list_refunds(const std::vector<std::string>& states, const order_filter& page_of) {
  const auto after = page_of.cursor ? decode_cursor(*page_of.cursor) : start_of_listing;
  const int limit = std::clamp(page_of.limit, 1, max_page_size);
  std::string state_array = "{";
  for (const auto& state : states) {  // refund states are fixed words: nothing to quote
    if (state_array.size() > 1) state_array += ',';
    state_array += state;
  }
  state_array += '}';
  return on_path([&](pqxx::transaction_base& txn) {
    const auto result =
        txn.exec_prepared(sql::list_refunds.name, after.created_at_us, after.id, limit + 1, state_array);
    order_page page;
    const auto rows = std::min<std::size_t>(result.size(), static_cast<std::size_t>(limit));
    for (std::size_t i = 0; i < rows; ++i) {
      const auto& row = result[static_cast<int>(i)];
      auto order = read_order(row);
      order.refund_state = row[11].as<std::string>();
      order.refund_due_atomic = row[12].as<std::string>();
      order.refunded_atomic = row[13].as<std::string>();
      order.refund_outstanding_atomic = row[14].as<std::string>();
      page.rows.push_back(std::move(order));
    }
    if (result.size() > rows) {
      const auto& last = result[static_cast<int>(rows - 1)];
      page.next_cursor = encode_cursor(last[10].as<std::int64_t>(), last[0].as<std::string>());
    }
    return page;
  });
}

std::optional<customer_row> order_reads::find_customer(const std::string& ref) {
  return on_path([&](pqxx::transaction_base& txn) { return read_customer(txn, ref); });
}

std::map<std::string, order_with_customer> order_reads::find_for_mail(const std::vector<outbox_entry>& mail) {
  if (mail.empty()) return {};
  std::vector<std::int64_t> ids;
  std::string order_ids = "{";  // uuids (from the outbox's uuid column): nothing to quote
  for (const auto& entry : mail) {
    ids.push_back(entry.id);
    if (order_ids.size() > 1) order_ids += ',';
    order_ids += entry.order_id;
  }
  order_ids += '}';
  return on_path(
      [&](pqxx::transaction_base& txn) {
        std::map<std::string, order_with_customer> found;
        constexpr int first = sql::customer_columns_of_mail;
        for (const auto& row : txn.exec_prepared(sql::find_orders_for_mail.name, order_ids)) {
          auto order = read_order(row);
          // The view opens with the data key this row already carries (no second read of it).
          if (detail::may_hold_sealed_values(order.view_json)) {
            const auto key = detail::customer_key(*vault_, text_or_empty(row[first + 5]), order.customer_ref);
            order = opened_with(std::move(order), key);
          }
          auto customer = customer_from(row, first);
          const auto id = order.id;
          found.emplace(id, order_with_customer{std::move(order), std::move(customer)});
        }
        return found;
      },
      ids);
}

std::optional<customer_row> order_reads::read_customer(pqxx::transaction_base& txn, const std::string& ref) {
  const auto result = txn.exec_prepared(sql::find_customer.name, ref);
  if (result.empty()) return std::nullopt;
  return customer_from(result[0], 0);
}

std::optional<customer_row> order_reads::customer_from(const pqxx::row& row, int first) {
  if (row[first].is_null()) return std::nullopt;
  return detail::open_customer(*vault_, row[first].as<std::string>(), text_or_empty(row[first + 1]),
                               text_or_empty(row[first + 2]), text_or_empty(row[first + 3]),
                               text_or_empty(row[first + 5]), int_or_zero(row[first + 4]), int_or_zero(row[first + 6]));
}

}  // namespace persistence
